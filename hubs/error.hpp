#pragma once
// A refused hub input names the field it refuses, as a JSON pointer into the client's request
// (or "/kmehrmessage/..." style pointers into the Sumehr), so the API can answer 400 with it.
#include <string>

#include "tokens/error.hpp"

namespace ehagent::hubs {

class InvalidField : public tokens::Error {
 public:
  InvalidField(std::string pointer, const std::string& message)
      : tokens::Error("invalid_input", message), pointer_(std::move(pointer)) {}
  [[nodiscard]] const std::string& pointer() const noexcept { return pointer_; }

 private:
  std::string pointer_;
};

}  // namespace ehagent::hubs
