#pragma once
// The one error base. Every layer throws an Error (or a class derived from it) whose code() is
// stable and snake_case; agent/http/problem_map.cpp is the one table that turns a code into an
// HTTP status. A message never carries a secret.
#include <stdexcept>
#include <string>

namespace ehagent {

class Error : public std::runtime_error {
 public:
  Error(std::string code, const std::string& message)
      : std::runtime_error(message), code_(std::move(code)) {}

  [[nodiscard]] const std::string& code() const noexcept { return code_; }

 private:
  std::string code_;
};

}  // namespace ehagent
