#pragma once
// `ehagent-sandbox serve` as a real process over the stored specimen's PKI: the sandbox STS and hub
// on loopback HTTPS. Started in the constructor (it returns once the sandbox listens), stopped
// (SIGTERM, then SIGKILL) in the destructor or by stop().
#include <filesystem>
#include <string>

#include "tests/support/child_process.hpp"

namespace ehagent::testsupport {

class SandboxProcess {
 public:
  // `sts_control`: the sandbox STS's control file (sandbox/README.md), read on every call, so a
  // test turns the STS down and up again by rewriting it; a missing file is normal behaviour.
  explicit SandboxProcess(const std::filesystem::path& sts_control = {});

  // "https://127.0.0.1:<port>", as the sandbox printed it.
  [[nodiscard]] const std::string& base() const { return base_; }
  // The sandbox's exit status (0 when it stopped cleanly on SIGTERM).
  int stop() { return process_.stop(); }

 private:
  ChildProcess process_;
  std::string base_;
};

}  // namespace ehagent::testsupport
