#pragma once
// The table of configuration keys. Each row names a dotted key and how it lands in Config; other
// components add their keys or free sections here.
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
// Top-level tables whose content belongs to another component and is passed through as JSON.
const std::vector<std::string_view>& configFreeSections();

}  // namespace ehagent::agent
