#pragma once
// The table of configuration keys. Each row names a dotted key, or a whole section, and how it
// lands in Config.
#include <functional>
#include <string_view>
#include <vector>

#include <toml++/toml.h>

#include "agent/config/config.hpp"


namespace ehagent::agent {

struct ConfigKey {
  std::string_view key;  // dotted path, e.g. "limits.body_bytes"
  std::function<void(const toml::node&, Config&)> apply;
};

const std::vector<ConfigKey>& configKeys();

}  // namespace ehagent::agent
