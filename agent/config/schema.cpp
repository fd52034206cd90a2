#include "agent/config/schema.hpp"

#include "certs/identifiers.hpp"

#include <limits>
#include <string>

namespace ehagent::agent {
namespace {

[[noreturn]] void wrongType(std::string_view key, std::string_view expected) {
  throw ConfigError("config key '" + std::string(key) + "' must be " + std::string(expected));
}

std::string asString(const toml::node& node, std::string_view key) {
  auto value = node.value<std::string>();
  if (!value) wrongType(key, "a string");
  return *value;
}

bool asBool(const toml::node& node, std::string_view key) {
  if (!node.is_boolean()) wrongType(key, "true or false");
  return *node.value<bool>();
}

std::int64_t asInt(const toml::node& node, std::string_view key, std::int64_t min,
                   std::int64_t max) {
  if (!node.is_integer()) wrongType(key, "an integer");
  const std::int64_t value = *node.value<std::int64_t>();
  if (value < min || value > max) {
    throw ConfigError("config key '" + std::string(key) + "' must be between " +
                      std::to_string(min) + " and " + std::to_string(max));
  }
  return value;
}

std::vector<std::string> asStringList(const toml::node& node, std::string_view key) {
  const toml::array* array = node.as_array();
  if (array == nullptr) wrongType(key, "an array of strings");
  std::vector<std::string> out;
  for (const toml::node& item : *array) out.push_back(asString(item, key));
  return out;
}

constexpr std::int64_t kMaxInt = std::numeric_limits<int>::max();

}  // namespace

const std::vector<ConfigKey>& configKeys() {
  static const std::vector<ConfigKey> keys = {
      {"listen", [](const toml::node& n, Config& c) { c.listen = asString(n, "listen"); }},
      {"socket", [](const toml::node& n, Config& c) { c.socket = asString(n, "socket"); }},
      {"state_dir", [](const toml::node& n, Config& c) { c.state_dir = asString(n, "state_dir"); }},
      {"allowed_origins",
       [](const toml::node& n, Config& c) { c.allowed_origins = asStringList(n, "allowed_origins"); }},
      {"log_level",
       [](const toml::node& n, Config& c) {
         c.log_level = asString(n, "log_level");
         static const std::vector<std::string> levels = {"trace", "debug", "info", "warn",
                                                          "error", "critical", "off"};
         if (std::find(levels.begin(), levels.end(), c.log_level) == levels.end()) {
           throw ConfigError("config key 'log_level' must be one of trace, debug, info, warn, "
                             "error, critical, off");
         }
       }},
      {"limits.body_bytes",
       [](const toml::node& n, Config& c) {
         c.limits.body_bytes = asInt(n, "limits.body_bytes", 1024, 1LL << 30);
       }},
      {"limits.header_bytes",
       [](const toml::node& n, Config& c) {
         c.limits.header_bytes = asInt(n, "limits.header_bytes", 1024, 1 << 20);
       }},
      {"limits.read_timeout_seconds",
       [](const toml::node& n, Config& c) {
         c.limits.read_timeout_seconds = asInt(n, "limits.read_timeout_seconds", 1, 3600);
       }},
      {"limits.idle_timeout_seconds",
       [](const toml::node& n, Config& c) {
         c.limits.idle_timeout_seconds = asInt(n, "limits.idle_timeout_seconds", 1, 86400);
       }},
      {"limits.max_connections",
       [](const toml::node& n, Config& c) {
         c.limits.max_connections = asInt(n, "limits.max_connections", 1, 100000);
       }},
      {"card_queue_depth",
       [](const toml::node& n, Config& c) {
         c.card_queue_depth = asInt(n, "card_queue_depth", 1, 1024);
       }},
      {"pin_idle_timeout_minutes",
       [](const toml::node& n, Config& c) {
         c.pin_idle_timeout_minutes = asInt(n, "pin_idle_timeout_minutes", 1, kMaxInt);
       }},
      {"pinentry", [](const toml::node& n, Config& c) { c.pinentry = asString(n, "pinentry"); }},
      {"modules", [](const toml::node& n, Config& c) { c.modules = asStringList(n, "modules"); }},
      {"practitioner_ssin",
       [](const toml::node& n, Config& c) {
         c.practitioner_ssin = asString(n, "practitioner_ssin");
         if (!certs::isValidSsin(c.practitioner_ssin)) {
           throw ConfigError("config key 'practitioner_ssin' is not a valid SSIN (11 digits with a mod-97 check)");
         }
       }},
      {"login_on_insert",
       [](const toml::node& n, Config& c) {
         c.login_on_insert = asBool(n, "login_on_insert");
         // Refused rather than ignored: a key that silently does nothing would mislead IT staff.
         if (c.login_on_insert) {
           throw ConfigError("login_on_insert = true is not supported yet: a login starts with POST /v1/session");
         }
       }},
  };
  return keys;
}

const std::vector<std::string_view>& configFreeSections() {
  static const std::vector<std::string_view> sections = {"sts", "hubs", "revocation"};
  return sections;
}

}  // namespace ehagent::agent
