#include "sandbox/server.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <cctype>
#include <optional>
#include <stdexcept>
#include <thread>
#include <vector>

#include "tokens/net/https_client.hpp"

namespace ehagent::sandbox {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

using Routes = std::map<std::pair<std::string, std::string>, Handler>;

std::string lower(std::string text) {
  for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

Response dispatch(const Routes& routes, const Request& request) {
  const auto it = routes.find({request.method, request.path});
  if (it == routes.end()) return Response::text(404, "no such endpoint: " + request.method + " " + request.path);
  try {
    return it->second(request);
  } catch (const std::exception& e) {
    return Response::text(500, std::string("handler failed: ") + e.what());
  }
}

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, ssl::context& ctx, const Routes& routes, const ServerOptions& options)
      : stream_(std::move(socket), ctx), timer_(stream_.get_executor()), routes_(routes), options_(options) {}

  void start() {
    beast::get_lowest_layer(stream_).expires_after(options_.read_timeout);
    stream_.async_handshake(ssl::stream_base::server, [self = shared_from_this()](beast::error_code ec) {
      if (!ec) self->read();
    });
  }

 private:
  void read() {
    parser_.emplace();
    parser_->body_limit(options_.body_limit_bytes);
    beast::get_lowest_layer(stream_).expires_after(options_.read_timeout);
    http::async_read(stream_, buffer_, *parser_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec == http::error::body_limit) return self->answer(Response::text(413, "request body too large"), false);
      if (ec) return self->close();
      self->handle();
    });
  }

  void handle() {
    auto message = parser_->release();
    Request request;
    request.method = std::string(message.method_string());
    const std::string target(message.target());
    request.path = target.substr(0, target.find('?'));
    for (const auto& field : message) request.headers[lower(std::string(field.name_string()))] = std::string(field.value());
    request.body = std::move(message.body());
    const bool keep_alive = message.keep_alive();
    Response response = dispatch(routes_, request);
    if (response.drop_connection) {
      beast::error_code ignored;
      beast::get_lowest_layer(stream_).socket().close(ignored);
      return;
    }
    if (response.delay.count() > 0) {
      timer_.expires_after(response.delay);
      timer_.async_wait([self = shared_from_this(), response, keep_alive](beast::error_code ec) {
        if (!ec) self->answer(response, keep_alive);
      });
      return;
    }
    answer(response, keep_alive);
  }

  void answer(const Response& response, bool keep_alive) {
    auto out = std::make_shared<http::response<http::string_body>>(static_cast<http::status>(response.status), 11);
    out->set(http::field::server, "ehagent-sandbox");
    out->set(http::field::content_type, response.content_type);
    out->keep_alive(keep_alive);
    out->body() = response.body;
    out->prepare_payload();
    beast::get_lowest_layer(stream_).expires_after(options_.read_timeout);
    http::async_write(stream_, *out, [self = shared_from_this(), out](beast::error_code ec, std::size_t) {
      if (ec) return self->close();
      if (out->keep_alive()) return self->read();
      self->close();
    });
  }

  void close() {
    beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(2));
    stream_.async_shutdown([self = shared_from_this()](beast::error_code) {
      beast::error_code ignored;
      beast::get_lowest_layer(self->stream_).socket().close(ignored);
    });
  }

  beast::ssl_stream<beast::tcp_stream> stream_;
  asio::steady_timer timer_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  const Routes& routes_;
  const ServerOptions& options_;
};

}  // namespace

struct Server::Impl {
  // Declared so that the io_context (and the sessions its handlers own) dies before the routes,
  // the options and the TLS context they point to.
  ServerOptions options;
  Routes routes;
  ssl::context ctx{ssl::context::tls_server};
  asio::io_context io;
  std::optional<tcp::acceptor> acceptor;
  std::vector<std::thread> threads;
  std::uint16_t bound_port = 0;
  bool running = false;

  void accept() {
    acceptor->async_accept(asio::make_strand(io), [this](beast::error_code ec, tcp::socket socket) {
      if (ec == asio::error::operation_aborted) return;
      if (!ec) {
        // An answer must not wait for the ACK of the TLS session tickets sent just before it
        // (Nagle against the client's delayed ACK: 40 ms per exchange on loopback).
        beast::error_code ignored;
        socket.set_option(tcp::no_delay(true), ignored);
        std::make_shared<Session>(std::move(socket), ctx, routes, options)->start();
      }
      accept();
    });
  }
};

std::string Request::header(const std::string& lower_case_name) const {
  const auto it = headers.find(lower_case_name);
  return it == headers.end() ? std::string() : it->second;
}

Response Response::text(int status, std::string body) {
  return Response{status, "text/plain; charset=utf-8", std::move(body), {}, false};
}

Response Response::json(int status, std::string body) {
  return Response{status, "application/json", std::move(body), {}, false};
}

Server::Server(ServerOptions options) : impl_(std::make_unique<Impl>()) {
  if (!tokens::isLoopbackHost(options.host)) {
    throw std::invalid_argument("the sandbox listens on loopback only, not on " + options.host);
  }
  if (options.threads < 1) options.threads = 1;
  impl_->options = std::move(options);
}

Server::~Server() { stop(); }

void Server::route(const std::string& method, const std::string& path, Handler handler) {
  if (impl_->running) throw std::logic_error("routes are registered before the server starts");
  impl_->routes[{method, path}] = std::move(handler);
}

void Server::start() {
  auto& impl = *impl_;
  impl.ctx.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                       ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
  boost::system::error_code ec;
  impl.ctx.use_certificate_chain_file(impl.options.cert_file, ec);
  if (!ec) impl.ctx.use_private_key_file(impl.options.key_file, ssl::context::pem, ec);
  if (ec) throw std::runtime_error("cannot load the sandbox TLS certificate or key: " + ec.message());
  const std::string host = impl.options.host == "localhost" ? "127.0.0.1" : impl.options.host;
  const tcp::endpoint endpoint(asio::ip::make_address(host), impl.options.port);
  impl.acceptor.emplace(impl.io);
  impl.acceptor->open(endpoint.protocol());
  impl.acceptor->set_option(asio::socket_base::reuse_address(true));
  impl.acceptor->bind(endpoint, ec);
  if (ec) throw std::runtime_error("cannot listen on " + host + ":" + std::to_string(impl.options.port) + ": " + ec.message());
  impl.acceptor->listen();
  impl.bound_port = impl.acceptor->local_endpoint().port();
  impl.running = true;
  impl.accept();
  for (int i = 0; i < impl.options.threads; ++i) impl.threads.emplace_back([&impl] { impl.io.run(); });
}

void Server::stop() {
  if (!impl_ || !impl_->running) return;
  impl_->running = false;
  impl_->io.stop();
  for (auto& t : impl_->threads) t.join();
  impl_->threads.clear();
}

std::uint16_t Server::port() const { return impl_->bound_port; }

}  // namespace ehagent::sandbox
