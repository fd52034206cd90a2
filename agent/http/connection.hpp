#pragma once
// One HTTP/1.1 connection: read with limits and timeouts, hand the request to the router, write,
// repeat while keep-alive. One request is handled at a time, so at most one response is pending
// per connection. Works for TCP and Unix sockets alike.
#include <sys/socket.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <type_traits>
#include <vector>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <spdlog/spdlog.h>

#include "agent/http/router.hpp"
#include "agent/http/sse.hpp"

namespace ehagent::agent {

struct ConnectionEnv {
  const Router& router;
  ServerContext& context;
  std::vector<std::string> accepted_hosts;
  std::atomic<int>& in_flight;
  std::atomic<bool>& stopping;
};

// Holds one unit of a counter (open connections, requests in flight) for its lifetime.
class CountedScope {
 public:
  explicit CountedScope(std::atomic<int>& counter) : counter_(counter) { ++counter_; }
  ~CountedScope() { --counter_; }
  CountedScope(const CountedScope&) = delete;
  CountedScope& operator=(const CountedScope&) = delete;

 private:
  std::atomic<int>& counter_;
};

template <class Stream>
boost::asio::awaitable<void> writeAndClose(Stream& stream, Response response) {
  boost::system::error_code ec;
  response.keep_alive(false);
  co_await http::async_write(stream, response, boost::asio::redirect_error(boost::asio::use_awaitable, ec));
  stream.socket().shutdown(Stream::socket_type::shutdown_send, ec);
}

// Watches a connection while its request is handled: a peer that closes (EOF or reset) stops
// `gone`. Bytes of a pipelined next request stop the watch without stopping `gone`.
template <class Socket>
void watchForHangUp(Socket& socket, std::shared_ptr<std::stop_source> gone) {
  // The handler keeps the descriptor, not the socket: it may run after the socket is gone, and a
  // peek at a closed or reused descriptor harms nothing.
  socket.async_wait(Socket::wait_read, [fd = socket.native_handle(), gone](const boost::system::error_code& ec) {
    if (ec) return;  // cancelled: the response is ready
    char byte = 0;
    const ssize_t peeked = ::recv(fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    if (peeked == 0 || (peeked < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
      gone->request_stop();
    }
  });
}

template <class Stream>
boost::asio::awaitable<void> serveConnection(Stream stream, ConnectionEnv env) {
  namespace beast = boost::beast;
  using boost::asio::redirect_error;
  using boost::asio::use_awaitable;
  const Limits& limits = env.context.config.limits;
  const Language language = env.context.config.language;
  beast::flat_buffer buffer;
  const Request bare{http::verb::unknown, "", 11};
  for (;;) {
    http::request_parser<http::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(limits.header_bytes));
    parser.body_limit(limits.body_bytes);
    boost::system::error_code ec;
    stream.expires_after(std::chrono::seconds(limits.idle_timeout_seconds));
    co_await http::async_read_header(stream, buffer, parser, redirect_error(use_awaitable, ec));
    if (!ec && !parser.is_done()) {
      stream.expires_after(std::chrono::seconds(limits.read_timeout_seconds));
      co_await http::async_read(stream, buffer, parser, redirect_error(use_awaitable, ec));
    }
    if (ec == http::error::body_limit) {
      auditOversizedRequest(env.context, parser.get());
      // The header was read: its Accept-Language is honoured.
      co_await writeAndClose(stream, problemResponse(parser.get(), problems::payloadTooLarge(limits.body_bytes), language));
      co_return;
    }
    if (ec == http::error::header_limit) {
      co_await writeAndClose(stream, problemResponse(bare, problems::headersTooLarge(limits.header_bytes), language));
      co_return;
    }
    if (ec == http::error::end_of_stream || ec == beast::error::timeout ||
        ec == boost::asio::error::operation_aborted || ec == boost::asio::error::connection_reset ||
        ec == boost::asio::error::eof) {
      co_return;
    }
    if (ec) {
      co_await writeAndClose(stream, problemResponse(bare, problems::invalidInput("", "malformed HTTP request: " + ec.message()), language));
      co_return;
    }
    stream.expires_never();  // a card operation may take as long as the practitioner needs
    auto counted = std::make_optional<CountedScope>(env.in_flight);  // shutdown waits for it
    const Request request = parser.release();
    auto gone = std::make_shared<std::stop_source>();
    RequestContext context{env.context, env.accepted_hosts, {}, {}, {}, false, gone->get_token()};
    if constexpr (std::is_same_v<typename Stream::protocol_type, boost::asio::ip::tcp>) {
      context.tcp_socket = stream.socket().native_handle();
    }
    watchForHangUp(stream.socket(), gone);
    Response response = co_await env.router.handle(request, context);
    stream.socket().cancel(ec);  // ends the watch; no other operation is pending on the socket
    if (context.start_event_stream && response.result() == http::status::ok) {
      // An event stream has nothing to finish: shutdown does not wait for it (it would wait for
      // the next event or keep-alive), the stopped I/O threads end it.
      counted.reset();
      co_await streamEvents(stream, context, request, response, env.stopping);
      co_return;
    }
    if (env.stopping) response.keep_alive(false);
    const bool keep_alive = response.keep_alive();
    stream.expires_after(std::chrono::seconds(limits.read_timeout_seconds));
    co_await http::async_write(stream, response, redirect_error(use_awaitable, ec));
    if (ec || !keep_alive) {
      stream.socket().shutdown(Stream::socket_type::shutdown_send, ec);
      co_return;
    }
  }
}

}  // namespace ehagent::agent
