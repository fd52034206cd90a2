#pragma once
// `ehagent-sandbox serve` as a real process over the stored specimen's PKI: the sandbox STS and hub
// on loopback HTTPS. Started in the constructor, stopped (SIGTERM, then SIGKILL) in the destructor.
#include <sys/types.h>

#include <string>

namespace ehagent::e2e {

class SandboxProcess {
 public:
  SandboxProcess();
  SandboxProcess(const SandboxProcess&) = delete;
  SandboxProcess& operator=(const SandboxProcess&) = delete;
  ~SandboxProcess();

  // "https://127.0.0.1:<port>", as the sandbox printed it.
  [[nodiscard]] const std::string& base() const { return base_; }

 private:
  pid_t pid_ = -1;
  std::string base_;
};

}  // namespace ehagent::e2e
