#pragma once
// Who is at the other end of a loopback TCP connection (the connected socket `fd`). The kernel
// lists every TCP socket with its owner in /proc/net/tcp and /proc/net/tcp6; the peer's socket is
// the one whose local port is the connection's peer port and whose remote port is ours. On a
// terminal server this tells this user's browser from another account's, which loopback alone
// cannot.
#include <sys/types.h>

#include <optional>

namespace ehagent::agent {

[[nodiscard]] std::optional<uid_t> loopbackPeerUid(int fd);

}  // namespace ehagent::agent
