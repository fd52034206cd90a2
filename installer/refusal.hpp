#pragma once
// A refusal with a stable code; commands print it as "<action> refused (<code>): <message>".
#include <stdexcept>
#include <string>

namespace ehagent::installer {

class Refusal : public std::runtime_error {
 public:
  Refusal(std::string code, const std::string& message) : std::runtime_error(message), code_(std::move(code)) {}
  [[nodiscard]] const std::string& code() const noexcept { return code_; }

 private:
  std::string code_;
};

}  // namespace ehagent::installer
