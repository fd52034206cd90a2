#pragma once
// The real `ehagent serve` (the build's own binary) as a child process: its own state folder and
// config over the specimen's SoftHSM module, the scripted pinentry (ehagent-test-pinentry), one
// registered client key, the specimen roots in its trust store, stderr to a file at the default
// log level. Its memory is read from
// /proc/<pid>/status. SIGTERM and wait on destruction. On request, the agent reaches SoftHSM
// through the fault module (tests/p11fault), to make the card as slow as a real one.
#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>

#include "bench/bench_support.hpp"
#include "tests/support/child_process.hpp"
#include "tests/p11fault/fault_control.hpp"

namespace ehagent::bench {

struct AgentOptions {
  std::string practitioner_ssin;  // which specimen holder is the practitioner
  std::string pin_script;         // tests/pinentry/README.md: "pin 1234" per PIN question
  std::size_t queue_depth = 8;    // card_queue_depth (the agent's default)
  int max_connections = 64;       // limits.max_connections (the agent's default)
  unsigned short port = 0;        // 0: a free port, read from the agent's ready line
  bool through_fault_module = false;  // modules = the fault module, driven by fault()
};

class AgentProcess {
 public:
  // Writes the config, registers the client and spawns the agent; returns at once.
  explicit AgentProcess(const AgentOptions& options);
  ~AgentProcess();
  AgentProcess(const AgentProcess&) = delete;
  AgentProcess& operator=(const AgentProcess&) = delete;

  // Reads the agent's "ready tcp=... unix=..." line (its listeners are bound); throws on exit.
  void waitUntilReady();
  // Polls GET /v1/status until it names `ssin` as the practitioner (the cards are read).
  void waitForPractitioner(const std::string& ssin);
  // POST /v1/session: the eID and eHealth PINs through the pinentry script; throws unless 200.
  void logIn();

  [[nodiscard]] pid_t pid() const noexcept { return child_->pid(); }
  [[nodiscard]] std::chrono::steady_clock::time_point spawnedAt() const noexcept { return spawned_at_; }
  [[nodiscard]] unsigned short port() const noexcept { return port_; }
  [[nodiscard]] std::filesystem::path socketPath() const { return dir_.path() / "agent.sock"; }
  [[nodiscard]] const std::string& clientKey() const noexcept { return key_; }
  // The fault module's control file (through_fault_module), e.g. setSignLatency.
  [[nodiscard]] p11fault::FaultControl& fault() noexcept { return fault_; }
  [[nodiscard]] std::string stderrLog() const;
  // The agent's resident set and its peak so far (VmRSS, VmHWM), in MiB.
  [[nodiscard]] double rssMiB() const;
  [[nodiscard]] double peakRssMiB() const;

 private:
  TempDir dir_{"ehagent-bench-agent"};
  p11fault::FaultControl fault_{dir_.path() / "fault.conf"};
  std::string key_;
  std::unique_ptr<testsupport::ChildProcess> child_;
  unsigned short port_ = 0;
  std::chrono::steady_clock::time_point spawned_at_;
};

}  // namespace ehagent::bench
