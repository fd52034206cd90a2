#pragma once
// An io_context of the session's own, on one thread, for work no request started: the login an
// eID insertion begins. Its coroutines wait on card queues and the network pool like a request's,
// and resume here. The session ends them before this goes (AgentSession's destructor).
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

namespace ehagent::agent {

class SessionRunner {
 public:
  SessionRunner() : guard_(io_.get_executor()), thread_([this] { io_.run(); }) {}
  ~SessionRunner() {
    guard_.reset();
    io_.stop();
    thread_.join();
  }
  SessionRunner(const SessionRunner&) = delete;
  SessionRunner& operator=(const SessionRunner&) = delete;

  [[nodiscard]] boost::asio::io_context::executor_type executor() noexcept { return io_.get_executor(); }

 private:
  boost::asio::io_context io_{1};
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard_;
  std::thread thread_;
};

}  // namespace ehagent::agent
