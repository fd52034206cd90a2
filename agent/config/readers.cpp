#include "agent/config/readers.hpp"

#include <algorithm>

#include "agent/config/config.hpp"

namespace ehagent::agent::config_read {

void fail(std::string_view key, std::string_view must_be) {
  throw ConfigError("config key '" + std::string(key) + "' must be " + std::string(must_be));
}

std::string text(const toml::node& node, std::string_view key) {
  const auto value = node.value_exact<std::string>();
  if (!value) fail(key, "a string");
  return *value;
}

bool flag(const toml::node& node, std::string_view key) {
  const auto value = node.value_exact<bool>();
  if (!value) fail(key, "true or false");
  return *value;
}

std::int64_t integer(const toml::node& node, std::string_view key, std::int64_t min, std::int64_t max) {
  const auto value = node.value_exact<std::int64_t>();
  if (!value) fail(key, "an integer");
  if (*value < min || *value > max) {
    fail(key, "between " + std::to_string(min) + " and " + std::to_string(max));
  }
  return *value;
}

std::vector<std::string> texts(const toml::node& node, std::string_view key) {
  const toml::array* array = node.as_array();
  if (array == nullptr) fail(key, "an array of strings");
  std::vector<std::string> out;
  for (const toml::node& item : *array) out.push_back(text(item, key));
  return out;
}

std::string httpUrl(const toml::node& node, std::string_view key) {
  std::string url = text(node, key);
  if (!url.starts_with("http://") && !url.starts_with("https://")) fail(key, "an http:// or https:// URL");
  return url;
}

const toml::table& table(const toml::node& node, std::string_view key) {
  const toml::table* out = node.as_table();
  if (out == nullptr) fail(key, "a table");
  return *out;
}

void onlyKnownKeys(const toml::table& section, std::string_view prefix,
                   std::initializer_list<std::string_view> known) {
  for (const auto& [name, node] : section) {
    if (std::find(known.begin(), known.end(), name.str()) == known.end()) {
      throw ConfigError("unknown config key '" + std::string(prefix) + "." + std::string(name.str()) + "'");
    }
  }
}

}  // namespace ehagent::agent::config_read
