#include "http_client.hpp"

#include <algorithm>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace ehagent::agent::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

struct HttpClient::Impl {
  explicit Impl(unsigned short p) : port(p) {}
  unsigned short port;
  asio::io_context io;
  tcp::socket socket{io};
  beast::flat_buffer buffer;

  void connect() {
    boost::system::error_code ignored;
    socket.close(ignored);
    socket = tcp::socket(io);
    socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    buffer.clear();
  }
};

HttpClient::HttpClient(unsigned short port) : impl_(new Impl(port)) {}
HttpClient::~HttpClient() { delete impl_; }

HttpReply HttpClient::send(const HttpCall& call) {
  if (!impl_->socket.is_open()) impl_->connect();
  http::request<http::string_body> request{http::string_to_verb(call.method), call.target, 11};
  request.set(http::field::host, "127.0.0.1:" + std::to_string(impl_->port));
  for (const auto& [name, value] : call.headers) request.set(name, value);
  request.body() = call.body;
  request.prepare_payload();
  boost::system::error_code ec;
  // The server may answer (413) and close before it reads all we send; read the answer anyway.
  http::write(impl_->socket, request, ec);
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  http::read(impl_->socket, impl_->buffer, parser, ec);
  if (ec) throw beast::system_error(ec);
  const auto& response = parser.get();
  HttpReply reply;
  reply.status = response.result_int();
  for (const auto& field : response) {
    std::string name(field.name_string());
    std::transform(name.begin(), name.end(), name.begin(), ::tolower);
    reply.headers[name] = std::string(field.value());
  }
  reply.body = response.body();
  if (!response.keep_alive()) impl_->socket.close(ec);
  return reply;
}

HttpReply httpCall(unsigned short port, const HttpCall& call) {
  HttpClient client(port);
  return client.send(call);
}

}  // namespace ehagent::agent::test
