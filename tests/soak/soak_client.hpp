#pragma once
// The soak driver's HTTP/1.1 client: one kept-alive loopback connection to the agent, with the
// client key. It tells a request that never left (the connection could not be made or written)
// from one that left and got no whole answer: only the second is a request the agent lost. A
// timeout turns an agent that never answers into a lost request instead of a hung soak.
#include <chrono>
#include <string>
#include <utility>  // before asio: Boost 1.74 awaitable.hpp uses std::exchange without it

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

namespace ehagent::soak {

namespace http = boost::beast::http;

struct Answer {
  enum class Fate { Answered, Lost, Unsent } fate = Fate::Unsent;
  int status = 0;
  std::string content_type;
  std::string body;
  [[nodiscard]] nlohmann::json json() const { return nlohmann::json::parse(body, nullptr, false); }
};

class Client {
 public:
  Client(unsigned short port, std::string key, int timeout_seconds)
      : port_(port), key_(std::move(key)), timeout_(timeout_seconds) {}

  Answer call(http::verb method, const std::string& target, const std::string& body = {},
              const std::string& content_type = "application/json") {
    http::request<http::string_body> request{method, target, 11};
    request.set(http::field::host, "127.0.0.1:" + std::to_string(port_));
    request.set(http::field::authorization, "Bearer " + key_);
    if (!body.empty()) request.set(http::field::content_type, content_type);
    request.body() = body;
    request.prepare_payload();
    // The agent closes a connection idle for its idle_timeout_seconds (120 by default). A request
    // written after that would look lost, so a connection idle for a while is replaced first.
    if (Clock::now() - last_used_ > std::chrono::seconds(30)) close();
    Answer answer;
    boost::system::error_code ec;
    // A kept-alive connection the agent has closed since fails the write: the request did not
    // reach a handler, so it goes once more on a fresh connection.
    for (int attempt = 0; attempt < 2; ++attempt) {
      if (!socket_.is_open() && !connect()) return answer;
      ec = within([&](auto done) { http::async_write(socket_, request, done); });
      if (!ec) break;
      close();
    }
    if (ec) return answer;
    answer.fate = Answer::Fate::Lost;
    http::response<http::string_body> response;
    ec = within([&](auto done) { http::async_read(socket_, buffer_, response, done); });
    if (ec) {
      close();
      return answer;
    }
    last_used_ = Clock::now();
    answer.fate = Answer::Fate::Answered;
    answer.status = static_cast<int>(response.result_int());
    answer.content_type = std::string(response[http::field::content_type]);
    answer.body = std::move(response.body());
    if (!response.keep_alive()) close();
    return answer;
  }

 private:
  // Runs one asynchronous operation until it completes or the timeout closes the socket. (The
  // blocking calls would ignore SO_RCVTIMEO: asio waits again when a receive times out.)
  template <class Start>
  boost::system::error_code within(Start start) {
    boost::system::error_code result;
    bool done = false;
    start([&](boost::system::error_code ec, auto&&...) {
      result = ec;
      done = true;
    });
    io_.restart();
    io_.run_for(timeout_);
    if (done) return result;
    close();
    io_.restart();
    io_.run();  // the aborted operation completes
    return boost::asio::error::timed_out;
  }
  bool connect() {
    socket_ = boost::asio::ip::tcp::socket(io_);
    const boost::asio::ip::tcp::endpoint agent{boost::asio::ip::make_address("127.0.0.1"), port_};
    if (within([&](auto done) { socket_.async_connect(agent, done); })) {
      close();
      return false;
    }
    return true;
  }
  void close() {
    boost::system::error_code ignored;
    socket_.close(ignored);
    buffer_.clear();
  }

  using Clock = std::chrono::steady_clock;
  boost::asio::io_context io_;
  Clock::time_point last_used_ = Clock::now();
  boost::asio::ip::tcp::socket socket_{io_};
  boost::beast::flat_buffer buffer_;
  unsigned short port_;
  std::string key_;
  std::chrono::seconds timeout_;
};

}  // namespace ehagent::soak
