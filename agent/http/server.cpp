#include "agent/http/server.hpp"

#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <vector>
#include <stdexcept>
#include <thread>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/executor_work_guard.hpp>

#include "agent/http/activation.hpp"
#include "agent/http/connection.hpp"
#include "agent/config/paths.hpp"

namespace ehagent::agent {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;
using local = asio::local::stream_protocol;

namespace {

bool peerIsSameUser(int fd) {
  ucred credentials{};
  socklen_t length = sizeof credentials;
  if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &credentials, &length) != 0) return false;
  return credentials.uid == ::geteuid();
}

void prepareSocketPath(const std::filesystem::path& path) {
  ensurePrivateDirectory(path.parent_path());
  std::error_code ec;
  const auto status = std::filesystem::symlink_status(path, ec);
  if (ec || status.type() == std::filesystem::file_type::not_found) return;
  if (status.type() != std::filesystem::file_type::socket) {
    throw std::runtime_error("socket path " + path.string() + " exists and is not a socket");
  }
  // A live agent answers; a stale socket from a crash does not and is replaced.
  asio::io_context probe_context;
  local::socket probe(probe_context);
  boost::system::error_code connect_ec;
  probe.connect(local::endpoint(path.string()), connect_ec);
  if (!connect_ec) {
    throw std::runtime_error("another agent is already listening on " + path.string());
  }
  std::filesystem::remove(path, ec);
}

}  // namespace

struct Server::Impl {
  ServerContext& context;
  Router router;
  ServerOptions options;
  // One io_context per I/O thread, each run by its thread alone: a connection lives on one of
  // them from accept to close, so its handlers need no strand and the threads share no
  // scheduler queue or lock. The first also holds the acceptors, the signals and the shutdown.
  std::vector<std::unique_ptr<asio::io_context>> contexts = makeContexts(options.io_threads);
  asio::io_context& io = *contexts.front();
  std::size_t next_context = 0;
  tcp::acceptor tcp_acceptor{io};
  local::acceptor unix_acceptor{io};
  asio::signal_set signals{io, SIGINT, SIGTERM};
  std::atomic<int> open_connections{0};
  std::atomic<int> in_flight{0};
  std::atomic<bool> stopping{false};
  unsigned short port = 0;
  // The socket file is ours to remove unless the service manager made it (socket activation).
  bool owns_socket_file = false;

  Impl(ServerContext& c, Router r, ServerOptions o)
      : context(c), router(std::move(r)), options(std::move(o)) {}

  ConnectionEnv env(std::vector<std::string> hosts) {
    return ConnectionEnv{router, context, std::move(hosts), in_flight, stopping};
  }

  bool admit() const { return open_connections < context.config.limits.max_connections; }

  static std::vector<std::unique_ptr<asio::io_context>> makeContexts(int threads) {
    std::vector<std::unique_ptr<asio::io_context>> made;
    for (int i = 0; i < std::max(threads, 1); ++i) made.push_back(std::make_unique<asio::io_context>(1));
    return made;
  }

  // The context of the next connection, in turn (only the first context's thread accepts).
  asio::io_context& nextContext() { return *contexts[next_context++ % contexts.size()]; }

  void stopAll() {
    for (auto& context : contexts) context->stop();
  }

  asio::awaitable<void> acceptTcp() {
    for (;;) {
      boost::system::error_code ec;
      tcp::socket socket = co_await tcp_acceptor.async_accept(nextContext(), asio::redirect_error(asio::use_awaitable, ec));
      if (ec) {
        if (stopping || ec == asio::error::operation_aborted) co_return;
        spdlog::warn("tcp accept failed: {}", ec.message());
        continue;
      }
      if (!admit()) {
        spdlog::warn("connection refused: {} connections open", open_connections.load());
        continue;  // the socket closes as it goes out of scope
      }
      auto executor = socket.get_executor();
      asio::co_spawn(executor, runConnection(beast::tcp_stream(std::move(socket)), tcpAcceptedHosts(port)),
                     asio::detached);
    }
  }

  asio::awaitable<void> acceptUnix() {
    for (;;) {
      boost::system::error_code ec;
      local::socket socket = co_await unix_acceptor.async_accept(nextContext(), asio::redirect_error(asio::use_awaitable, ec));
      if (ec) {
        if (stopping || ec == asio::error::operation_aborted) co_return;
        spdlog::warn("unix accept failed: {}", ec.message());
        continue;
      }
      if (!peerIsSameUser(socket.native_handle())) {
        spdlog::warn("unix socket peer refused: a different user");
        continue;
      }
      if (!admit()) {
        spdlog::warn("connection refused: {} connections open", open_connections.load());
        continue;
      }
      auto executor = socket.get_executor();
      asio::co_spawn(executor,
                     runConnection(beast::basic_stream<local>(std::move(socket)), unixAcceptedHosts()),
                     asio::detached);
    }
  }

  template <class Stream>
  asio::awaitable<void> runConnection(Stream stream, std::vector<std::string> hosts) {
    CountedScope slot(open_connections);  // the limit holds across both listeners
    try {
      co_await serveConnection(std::move(stream), env(std::move(hosts)));
    } catch (const std::exception& e) {
      spdlog::warn("connection ended: {}", e.what());
    }
  }

  // Stops accepting, lets in-flight requests finish (at most 10 s), then stops the I/O threads.
  asio::awaitable<void> drainAndStop() {
    stopping = true;
    boost::system::error_code ignored;
    tcp_acceptor.close(ignored);
    unix_acceptor.close(ignored);
    asio::steady_timer timer(io);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (in_flight > 0 && std::chrono::steady_clock::now() < deadline) {
      timer.expires_after(std::chrono::milliseconds(20));
      co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
    }
    stopAll();
  }
};

Server::Server(ServerContext& context, Router router, ServerOptions options)
    : impl_(std::make_unique<Impl>(context, std::move(router), std::move(options))) {}

Server::~Server() {
  if (impl_->owns_socket_file) {
    std::error_code ec;
    std::filesystem::remove(impl_->options.socket, ec);
  }
}

void Server::bind() {
  Impl& s = *impl_;
  const InheritedSockets inherited = takeInheritedSockets();
  if (inherited.tcp >= 0) {
    s.tcp_acceptor.assign(inherited.tcp_v6 ? tcp::v6() : tcp::v4(), inherited.tcp);
  } else {
    bindTcp();
  }
  s.port = s.tcp_acceptor.local_endpoint().port();
  if (inherited.unix_socket >= 0) {
    s.unix_acceptor.assign(local(), inherited.unix_socket);
    s.options.socket = inherited.unix_path;
    // A unit's SocketMode=0600 says so already; a manager that made it wider (or none) is
    // narrowed, since the peer-uid check alone would still let other users connect and wait.
    if (!s.options.socket.empty() && ::chmod(s.options.socket.c_str(), 0600) != 0) {
      spdlog::warn("cannot restrict {}: {}", s.options.socket.string(), std::strerror(errno));
    }
  } else if (!s.options.socket.empty()) {
    bindUnix();
  }
}

void Server::bindTcp() {
  Impl& s = *impl_;
  const ListenAddress& listen = s.options.tcp;
  const tcp::endpoint wanted(asio::ip::make_address(listen.host), listen.port);
  if (!wanted.address().is_loopback()) {
    throw std::runtime_error("refusing to listen on non-loopback address " + listen.host);
  }
  const auto tryBind = [&](const tcp::endpoint& endpoint, boost::system::error_code& ec) {
    if (s.tcp_acceptor.is_open()) s.tcp_acceptor.close();
    s.tcp_acceptor.open(endpoint.protocol());
    s.tcp_acceptor.set_option(tcp::acceptor::reuse_address(true));
    s.tcp_acceptor.bind(endpoint, ec);
  };
  try {
    boost::system::error_code ec;
    tryBind(wanted, ec);
    if (ec == boost::system::errc::address_in_use && listen.fall_back_to_any_port) {
      // The per-user default is taken (another user's agent, or another program): any free port
      // serves as well, since endpoint.json tells client software which one.
      spdlog::warn("port {} is in use; listening on a free port instead", listen.port);
      tryBind(tcp::endpoint(wanted.address(), 0), ec);
    }
    if (ec) throw boost::system::system_error(ec);
    s.tcp_acceptor.listen(asio::socket_base::max_listen_connections);
  } catch (const boost::system::system_error& e) {
    throw std::runtime_error("cannot listen on " + listen.host + ":" + std::to_string(listen.port) +
                             ": " + e.code().message());
  }
}

void Server::bindUnix() {
  Impl& s = *impl_;
  const auto& path = s.options.socket;
  prepareSocketPath(path);
  try {
    s.unix_acceptor.open(local());
    s.unix_acceptor.bind(local::endpoint(path.string()));
    s.unix_acceptor.listen(asio::socket_base::max_listen_connections);
  } catch (const boost::system::system_error& e) {
    throw std::runtime_error("cannot listen on " + path.string() + ": " + e.code().message());
  }
  s.owns_socket_file = true;
  if (::chmod(path.c_str(), 0600) != 0) {
    throw std::runtime_error("cannot restrict " + path.string() + ": " + std::strerror(errno));
  }
}

unsigned short Server::tcpPort() const { return impl_->port; }

const std::filesystem::path& Server::socketPath() const { return impl_->options.socket; }

void Server::run() {
  Impl& s = *impl_;
  s.signals.async_wait([&s](const boost::system::error_code& ec, int signal_number) {
    if (ec) return;
    spdlog::info("signal {} received; finishing in-flight requests", signal_number);
    asio::co_spawn(s.io, s.drainAndStop(), asio::detached);
  });
  asio::co_spawn(s.io, s.acceptTcp(), asio::detached);
  if (s.unix_acceptor.is_open()) asio::co_spawn(s.io, s.acceptUnix(), asio::detached);
  // The other contexts have nothing to do until a connection comes: the guards keep them running.
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> guards;
  std::vector<std::thread> threads;
  for (std::size_t i = 1; i < s.contexts.size(); ++i) {
    guards.push_back(asio::make_work_guard(*s.contexts[i]));
    threads.emplace_back([context = s.contexts[i].get()] { context->run(); });
  }
  s.io.run();
  s.stopAll();  // whatever ended the first ends them all
  for (auto& thread : threads) thread.join();
}

void Server::stop() {
  asio::co_spawn(impl_->io, impl_->drainAndStop(), asio::detached);
}

}  // namespace ehagent::agent
