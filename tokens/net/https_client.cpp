#include "tokens/net/https_client.hpp"

#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <optional>

#include "tokens/error.hpp"

namespace ehagent::tokens {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

// The phase a failure happened in decides whether a retry is safe.
enum class Phase { connect, exchange };

struct Failure {
  Phase phase;
  std::string what;
};

// Runs the queued asynchronous operation to completion. Beast's timeouts only apply to
// asynchronous operations, so every step is asynchronous and driven here.
void drive(asio::io_context& io) {
  io.restart();
  io.run();
}

http::request<http::string_body> buildRequest(const Url& url, const std::string& body,
                                              const std::vector<std::pair<std::string, std::string>>& headers) {
  http::request<http::string_body> request{http::verb::post, url.target, 11};
  const bool default_port = (url.scheme == "https" && url.port == "443") || (url.scheme == "http" && url.port == "80");
  const std::string host = url.host.find(':') != std::string::npos ? "[" + url.host + "]" : url.host;
  request.set(http::field::host, default_port ? host : host + ":" + url.port);
  request.set(http::field::user_agent, "ehagent");
  for (const auto& [name, value] : headers) request.set(name, value);
  request.body() = body;
  request.prepare_payload();
  return request;
}

template <class Stream>
std::optional<Failure> exchange(asio::io_context& io, Stream& stream, beast::tcp_stream& tcp_layer,
                                const http::request<http::string_body>& request, const HttpClientOptions& options,
                                HttpResponse& out) {
  beast::error_code ec;
  tcp_layer.expires_after(options.read_timeout);
  http::async_write(stream, request, [&](beast::error_code e, std::size_t) { ec = e; });
  drive(io);
  if (ec) return Failure{Phase::exchange, "sending the request failed: " + ec.message()};

  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(options.max_response_bytes);
  parser.header_limit(64 * 1024);
  const auto too_big = [&options] {
    return Error(options.service + "_bad_response",
                 "the answer is larger than " + std::to_string(options.max_response_bytes) + " bytes");
  };
  tcp_layer.expires_after(options.read_timeout);
  http::async_read_header(stream, buffer, parser, [&](beast::error_code e, std::size_t) { ec = e; });
  drive(io);
  // Checked here as well as by the parser's own limit, so an announced oversize body is never read.
  if (!ec && parser.content_length() && *parser.content_length() > options.max_response_bytes) throw too_big();
  if (!ec) {
    tcp_layer.expires_after(options.read_timeout);
    http::async_read(stream, buffer, parser, [&](beast::error_code e, std::size_t) { ec = e; });
    drive(io);
  }
  if (ec == http::error::body_limit || (!ec && parser.get().body().size() > options.max_response_bytes)) {
    throw too_big();
  }
  if (ec == beast::error::timeout) return Failure{Phase::exchange, "no answer within the read timeout"};
  if (ec == http::error::end_of_stream || ec == asio::error::eof || ec == asio::error::connection_reset ||
      ec == ssl::error::stream_truncated) {
    return Failure{Phase::exchange, "the connection was closed before an answer came: " + ec.message()};
  }
  if (ec) {
    if (ec.category() == http::make_error_code(http::error::bad_version).category()) {
      throw Error(options.service + "_bad_response", "malformed HTTP answer: " + ec.message());
    }
    return Failure{Phase::exchange, "reading the answer failed: " + ec.message()};
  }
  auto response = parser.release();
  out.status = static_cast<int>(response.result_int());
  out.content_type = std::string(response[http::field::content_type]);
  out.body = std::move(response.body());
  return std::nullopt;
}

std::optional<Failure> connect(asio::io_context& io, beast::tcp_stream& tcp_layer, const Url& url,
                               const HttpClientOptions& options) {
  tcp::resolver resolver(io);
  beast::error_code ec;
  tcp::resolver::results_type endpoints;
  resolver.async_resolve(url.host, url.port, [&](beast::error_code e, tcp::resolver::results_type r) {
    ec = e;
    endpoints = std::move(r);
  });
  drive(io);
  if (ec) return Failure{Phase::connect, "cannot resolve " + url.host + ": " + ec.message()};
  tcp_layer.expires_after(options.connect_timeout);
  tcp_layer.async_connect(endpoints, [&](beast::error_code e, const tcp::endpoint&) { ec = e; });
  drive(io);
  if (ec) return Failure{Phase::connect, "cannot connect to " + url.host + ":" + url.port + ": " + ec.message()};
  return std::nullopt;
}

void configureContext(ssl::context& ctx, const HttpClientOptions& options) {
  ctx.set_verify_mode(ssl::verify_peer);
  if (!options.ca_file.empty() || !options.ca_dir.empty()) {
    if (SSL_CTX_load_verify_locations(ctx.native_handle(), options.ca_file.empty() ? nullptr : options.ca_file.c_str(),
                                      options.ca_dir.empty() ? nullptr : options.ca_dir.c_str()) != 1) {
      throw Error("invalid_input", "cannot load the CA certificates for " + options.service);
    }
  } else if (SSL_CTX_set_default_verify_paths(ctx.native_handle()) != 1) {
    throw Error("invalid_input", "cannot load the system CA certificates");
  }
}

// The SSL object copies the context's settings when it is made, so this runs per connection.
void configureConnection(SSL* ssl_handle, const Url& url) {
  SSL_set_verify(ssl_handle, SSL_VERIFY_PEER, nullptr);
  // Check the name inside OpenSSL's own chain verification, as an IP or a DNS name.
  X509_VERIFY_PARAM* param = SSL_get0_param(ssl_handle);
  beast::error_code ec;
  asio::ip::make_address(url.host, ec);
  const int ok = ec ? X509_VERIFY_PARAM_set1_host(param, url.host.c_str(), url.host.size())
                    : X509_VERIFY_PARAM_set1_ip_asc(param, url.host.c_str());
  if (ok != 1) throw Error("invalid_input", "cannot set the expected TLS host name " + url.host);
  if (ec && SSL_set_tlsext_host_name(ssl_handle, url.host.c_str()) != 1) {
    throw Error("invalid_input", "cannot set the TLS server name " + url.host);
  }
}

std::optional<Failure> attempt(const Url& url, const http::request<http::string_body>& request,
                               const HttpClientOptions& options, HttpResponse& out) {
  asio::io_context io;
  if (url.scheme == "http") {
    beast::tcp_stream stream(io);
    if (auto failure = connect(io, stream, url, options)) return failure;
    auto result = exchange(io, stream, stream, request, options, out);
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    return result;
  }
  ssl::context ctx(ssl::context::tls_client);
  ctx.set_options(ssl::context::no_sslv2 | ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                  ssl::context::no_tlsv1_1);
  configureContext(ctx, options);
  beast::ssl_stream<beast::tcp_stream> stream(io, ctx);
  configureConnection(stream.native_handle(), url);
  if (auto failure = connect(io, beast::get_lowest_layer(stream), url, options)) return failure;
  beast::error_code ec;
  beast::get_lowest_layer(stream).expires_after(options.connect_timeout);
  stream.async_handshake(ssl::stream_base::client, [&](beast::error_code e) { ec = e; });
  drive(io);
  if (ec) {
    const long verify = SSL_get_verify_result(stream.native_handle());
    if (verify != X509_V_OK) {
      // Not retried: a certificate that fails now fails again.
      throw Error(options.service + "_unreachable", "the TLS certificate of " + url.host +
                                                         " was refused: " + X509_verify_cert_error_string(verify));
    }
    return Failure{Phase::connect, "TLS handshake with " + url.host + " failed: " + ec.message()};
  }
  auto result = exchange(io, stream, beast::get_lowest_layer(stream), request, options, out);
  // Servers often drop the connection without close_notify; that does not change the answer.
  beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(1));
  stream.async_shutdown([](beast::error_code) {});
  drive(io);
  return result;
}

}  // namespace

bool isLoopbackHost(const std::string& host) {
  if (host == "localhost") return true;
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(host, ec);
  return !ec && address.is_loopback();
}

Url Url::parse(const std::string& text) {
  Url url;
  const auto scheme_end = text.find("://");
  if (scheme_end == std::string::npos) throw Error("invalid_input", "not a URL: " + text);
  url.scheme = text.substr(0, scheme_end);
  if (url.scheme != "https" && url.scheme != "http") {
    throw Error("invalid_input", "unsupported URL scheme: " + url.scheme);
  }
  std::string rest = text.substr(scheme_end + 3);
  const auto path_start = rest.find('/');
  std::string authority = rest.substr(0, path_start);
  url.target = path_start == std::string::npos ? "/" : rest.substr(path_start);
  if (authority.find('@') != std::string::npos) throw Error("invalid_input", "credentials in URLs are refused");
  std::string port;
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string::npos) throw Error("invalid_input", "unbalanced IPv6 brackets in " + text);
    url.host = authority.substr(1, close - 1);
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') throw Error("invalid_input", "bad authority in " + text);
      port = authority.substr(close + 2);
    }
  } else {
    const auto colon = authority.rfind(':');
    url.host = authority.substr(0, colon);
    if (colon != std::string::npos) port = authority.substr(colon + 1);
  }
  if (url.host.empty()) throw Error("invalid_input", "no host in URL " + text);
  if (!port.empty()) {
    if (port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos || std::stoi(port) == 0 ||
        std::stoi(port) > 65535) {
      throw Error("invalid_input", "bad port in URL " + text);
    }
  }
  url.port = port.empty() ? (url.scheme == "https" ? "443" : "80") : port;
  return url;
}

HttpClient::HttpClient(HttpClientOptions options) : options_(std::move(options)) {
  if (options_.connect_attempts < 1) options_.connect_attempts = 1;
}

HttpResponse HttpClient::post(const std::string& url_text, const std::string& body,
                              const std::vector<std::pair<std::string, std::string>>& headers) const {
  const Url url = Url::parse(url_text);
  if (url.scheme == "http" && !(options_.allow_plain_loopback && isLoopbackHost(url.host))) {
    throw Error("invalid_input", "plain HTTP is refused for " + url.host + "; use https");
  }
  const auto request = buildRequest(url, body, headers);
  std::string last_failure;
  for (int i = 0; i < options_.connect_attempts; ++i) {
    HttpResponse response;
    const auto failure = attempt(url, request, options_, response);
    if (!failure) return response;
    last_failure = failure->what;
    if (failure->phase == Phase::exchange) break;
  }
  throw Error(options_.service + "_unreachable", last_failure);
}

}  // namespace ehagent::tokens
