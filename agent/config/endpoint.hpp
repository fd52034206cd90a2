#pragma once
// Where a user's running agent can be reached, and the one-agent-per-state rule.
//
// On a terminal server fifty practitioners each run their own agent, so no client software can
// assume a port: each agent publishes its port and socket in endpoint.json beside its Unix socket
// (by default $XDG_RUNTIME_DIR/ehagent/endpoint.json, mode 0600, readable only by that user).
// Two agents of one user on the same state directory would interleave the audit chain and fight
// over the cards, so the second one is refused by a lock in the state directory.
#include <sys/types.h>

#include <filesystem>
#include <optional>
#include <string>

#include "agent/config/config.hpp"

namespace ehagent::agent {

struct Endpoint {
  std::string host;                // "127.0.0.1" or "::1"
  std::uint16_t port = 0;
  std::filesystem::path socket;    // empty: no Unix socket
  std::string version;
  pid_t pid = 0;
  std::string toJson() const;
  static std::optional<Endpoint> fromJson(const std::string& text);
};

// endpoint.json in the directory of the agent's Unix socket (the socket that serve would use when
// `socket` is empty).
std::filesystem::path endpointFileFor(const std::filesystem::path& socket);
// Written atomically with mode 0600; throws std::runtime_error naming the file.
void writeEndpointFile(const std::filesystem::path& file, const Endpoint& endpoint);
// The endpoint of a live agent, or nothing (missing, unreadable, or its process is gone).
std::optional<Endpoint> readLiveEndpoint(const std::filesystem::path& file);

// The loopback port when the config names none: 17443 for the first interactive user (uid 1000)
// and for system accounts, 17443 + (uid - 1000) % 2000 for the others, so that the users of one
// machine do not want the same port. Two uids 2000 apart still meet: then the later agent takes
// any free port (ListenAddress::fall_back_to_any_port) and endpoint.json says which.
std::uint16_t perUserPort(uid_t uid);
// The config's `listen`, or 127.0.0.1 on perUserPort(getuid()) when it is empty.
ListenAddress effectiveListenAddress(const Config& config);

// flock(2) on <state dir>/agent.lock, held for the life of the object (and released by the kernel
// if the process dies). The file says which agent holds it, for the refusal of the next one.
class InstanceLock {
 public:
  // Throws std::runtime_error naming the running agent (pid, and where it listens) when another
  // process holds the lock.
  explicit InstanceLock(const std::filesystem::path& state_dir);
  ~InstanceLock();
  InstanceLock(const InstanceLock&) = delete;
  InstanceLock& operator=(const InstanceLock&) = delete;
  // Records where this agent listens, for the message another agent prints.
  void describe(const Endpoint& endpoint);

 private:
  std::filesystem::path file_;
  int fd_ = -1;
};

}  // namespace ehagent::agent
