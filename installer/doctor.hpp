#pragma once
// The checks a support call would ask about, each ok/warn/fail with a fix hint.
#include <string>
#include <vector>

#include "installer/context.hpp"

namespace ehagent::installer {

struct Check {
  std::string name;
  std::string state;  // "ok", "warn", "fail"
  std::string detail;
  std::string hint;   // empty when there is nothing to fix
};

std::vector<Check> runDoctor(const Context& ctx, const std::vector<std::string>& extraModules);

}  // namespace ehagent::installer
