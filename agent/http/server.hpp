#pragma once
// The HTTP server: a few I/O threads, a loopback TCP listener and a Unix socket listener (mode
// 0600, peer uid checked), request limits and timeouts, and a clean stop on SIGINT/SIGTERM.
#include <atomic>
#include <filesystem>
#include <memory>
#include <string>

#include "agent/config/config.hpp"
#include "agent/http/router.hpp"

namespace ehagent::agent {

struct ServerOptions {
  ListenAddress tcp;               // port 0 picks a free port
  std::filesystem::path socket;    // empty: no Unix socket
  int io_threads = 2;
};

class Server {
 public:
  Server(ServerContext& context, Router router, ServerOptions options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Takes the listeners systemd passed (socket activation), else binds its own; throws
  // std::runtime_error naming what failed.
  void bind();
  unsigned short tcpPort() const;
  // The Unix socket served on (the one systemd passed, if it did); empty: none.
  const std::filesystem::path& socketPath() const;
  // Serves until SIGINT/SIGTERM or stop(); in-flight requests finish first (bounded wait).
  void run();
  void stop();

 private:
  void bindTcp();
  void bindUnix();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ehagent::agent
