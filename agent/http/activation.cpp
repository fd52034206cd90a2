#include "agent/http/activation.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <systemd/sd-daemon.h>

#include <cstring>
#include <stdexcept>
#include <string>

namespace ehagent::agent {
namespace {

// The socket's own address family when it is bound to loopback, else AF_UNSPEC.
int loopbackFamily(int fd) {
  sockaddr_storage address{};
  socklen_t length = sizeof address;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) return AF_UNSPEC;
  if (address.ss_family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(&address);
    return (ntohl(in->sin_addr.s_addr) >> 24) == 127 ? AF_INET : AF_UNSPEC;
  }
  if (address.ss_family == AF_INET6) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&address);
    return IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr) ? AF_INET6 : AF_UNSPEC;
  }
  return AF_UNSPEC;
}

std::filesystem::path unixPath(int fd) {
  sockaddr_un address{};
  socklen_t length = sizeof address;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) return {};
  if (length <= offsetof(sockaddr_un, sun_path) || address.sun_path[0] == '\0') return {};  // abstract
  return std::string(address.sun_path, ::strnlen(address.sun_path, sizeof address.sun_path));
}

}  // namespace

InheritedSockets takeInheritedSockets() {
  const int count = ::sd_listen_fds(1);
  if (count < 0) throw std::runtime_error(std::string("cannot take the sockets systemd passed: ") + std::strerror(-count));
  InheritedSockets sockets;
  for (int fd = SD_LISTEN_FDS_START; fd < SD_LISTEN_FDS_START + count; ++fd) {
    if (::sd_is_socket_unix(fd, SOCK_STREAM, 1, nullptr, 0) > 0) {
      if (sockets.unix_socket >= 0) throw std::runtime_error("systemd passed two Unix sockets; the agent serves one");
      sockets.unix_socket = fd;
      sockets.unix_path = unixPath(fd);
    } else if (::sd_is_socket_inet(fd, AF_UNSPEC, SOCK_STREAM, 1, 0) > 0) {
      const int family = loopbackFamily(fd);
      if (family == AF_UNSPEC) {
        throw std::runtime_error("systemd passed a TCP socket that is not on loopback; the agent listens on loopback only");
      }
      if (sockets.tcp >= 0) throw std::runtime_error("systemd passed two TCP sockets; the agent serves one");
      sockets.tcp = fd;
      sockets.tcp_v6 = family == AF_INET6;
    } else {
      throw std::runtime_error("systemd passed socket " + std::to_string(fd) +
                               ", which is neither a listening Unix stream socket nor a TCP one");
    }
  }
  return sockets;
}

void notifyReady() { ::sd_notify(0, "READY=1"); }

void notifyStopping() { ::sd_notify(0, "STOPPING=1"); }

}  // namespace ehagent::agent
