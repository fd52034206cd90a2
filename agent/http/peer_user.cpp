#include "agent/http/peer_user.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <fstream>
#include <sstream>
#include <string>

namespace ehagent::agent {
namespace {

// "0100007F:1F90" -> 0x1F90: the port is the hex after the colon, in host order.
unsigned portOf(const std::string& address) {
  const auto colon = address.rfind(':');
  if (colon == std::string::npos) return 0;
  return static_cast<unsigned>(std::stoul(address.substr(colon + 1), nullptr, 16));
}

// The port of a socket address (IPv4 or IPv6), 0 for anything else.
unsigned short portOf(const sockaddr_storage& address) {
  if (address.ss_family == AF_INET) return ntohs(reinterpret_cast<const sockaddr_in&>(address).sin_port);
  if (address.ss_family == AF_INET6) return ntohs(reinterpret_cast<const sockaddr_in6&>(address).sin6_port);
  return 0;
}

std::optional<uid_t> findIn(const char* table, unsigned short peer_port, unsigned short local_port) {
  std::ifstream in(table);
  std::string line;
  std::getline(in, line);  // the column names
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string slot, local, remote, state, queues, timer, retransmits;
    uid_t uid = 0;
    if (!(fields >> slot >> local >> remote >> state >> queues >> timer >> retransmits >> uid)) continue;
    // 01: ESTABLISHED. Both ends of a loopback connection are listed; the peer's has our port as
    // its remote end.
    if (state == "01" && portOf(local) == peer_port && portOf(remote) == local_port) return uid;
  }
  return std::nullopt;
}

}  // namespace

std::optional<uid_t> loopbackPeerUid(int fd) {
  sockaddr_storage peer{}, local{};
  socklen_t peer_length = sizeof peer, local_length = sizeof local;
  if (fd < 0 || ::getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &peer_length) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &local_length) != 0) {
    return std::nullopt;
  }
  const unsigned short peer_port = portOf(peer), local_port = portOf(local);
  if (peer_port == 0 || local_port == 0) return std::nullopt;
  try {
    if (auto uid = findIn("/proc/net/tcp", peer_port, local_port)) return uid;
    return findIn("/proc/net/tcp6", peer_port, local_port);
  } catch (const std::exception&) {
    return std::nullopt;  // an unreadable table: nobody is known
  }
}

}  // namespace ehagent::agent
