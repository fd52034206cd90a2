#pragma once
// Socket activation: a systemd socket unit may own the Unix socket and the loopback port and hand
// them to the agent when the first client connects (sd_listen_fds). Without systemd nothing is
// passed and the server binds its own. The manager also learns when the agent is ready and when
// it is stopping (sd_notify; a no-op when NOTIFY_SOCKET is not set).
#include <filesystem>

namespace ehagent::agent {

struct InheritedSockets {
  int tcp = -1;                      // a listening loopback TCP socket, or -1
  bool tcp_v6 = false;               // on ::1
  int unix_socket = -1;              // a listening Unix stream socket, or -1
  std::filesystem::path unix_path;   // its path, from getsockname
};

// Takes the sockets the service manager passed (and unsets LISTEN_FDS so that children do not
// see them). Throws std::runtime_error for a socket the agent cannot serve on: a datagram or a
// non-loopback one, or two of one kind.
InheritedSockets takeInheritedSockets();

void notifyReady();
void notifyStopping();

}  // namespace ehagent::agent
