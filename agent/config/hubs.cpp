// [hubs.<name>] sections: where each hub is and how it is trusted.
#include "agent/config/hubs.hpp"

#include <set>

namespace ehagent::agent {
namespace {

const std::set<std::string>& knownKeys() {
  static const std::set<std::string> keys{"endpoint", "hub_id", "ca_file", "timeout_seconds",
                                          "allow_plain_loopback"};
  return keys;
}

std::string stringKey(const nlohmann::json& section, const std::string& hub, const char* key, bool required) {
  if (!section.contains(key)) {
    if (required) throw ConfigError("hubs." + hub + "." + key + " is required");
    return {};
  }
  if (!section.at(key).is_string()) throw ConfigError("hubs." + hub + "." + key + " must be a string");
  return section.at(key).get<std::string>();
}

hubs::HubEndpoint parseSection(const std::string& name, const nlohmann::json& section) {
  if (!section.is_object()) throw ConfigError("hubs." + name + " must be a table");
  for (const auto& [key, value] : section.items()) {
    if (!knownKeys().contains(key)) throw ConfigError("unknown key hubs." + name + "." + key);
  }
  hubs::HubEndpoint hub;
  hub.name = name;
  hub.url = stringKey(section, name, "endpoint", true);
  try {
    tokens::Url::parse(hub.url);
  } catch (const std::exception& e) {
    throw ConfigError("hubs." + name + ".endpoint: " + e.what());
  }
  hub.hubId = stringKey(section, name, "hub_id", true);
  hub.http.ca_file = stringKey(section, name, "ca_file", false);
  if (section.contains("timeout_seconds")) {
    const auto& t = section.at("timeout_seconds");
    if (!t.is_number_integer() || t.get<int>() < 1 || t.get<int>() > 600) {
      throw ConfigError("hubs." + name + ".timeout_seconds must be an integer from 1 to 600");
    }
    hub.http.read_timeout = std::chrono::seconds(t.get<int>());
  }
  if (section.contains("allow_plain_loopback")) {
    if (!section.at("allow_plain_loopback").is_boolean()) {
      throw ConfigError("hubs." + name + ".allow_plain_loopback must be true or false");
    }
    hub.http.allow_plain_loopback = section.at("allow_plain_loopback").get<bool>();
  }
  hub.http.service = "hub";
  return hub;
}

}  // namespace

std::optional<hubs::HubEndpoint> hubEndpoint(const Config& config, const std::string& name) {
  const auto it = config.sections.find("hubs");
  if (it == config.sections.end() || !it->second.is_object() || !it->second.contains(name)) {
    return std::nullopt;
  }
  return parseSection(name, it->second.at(name));
}

void validateHubsConfig(const Config& config) {
  const auto it = config.sections.find("hubs");
  if (it == config.sections.end()) return;
  if (!it->second.is_object()) throw ConfigError("hubs must be a table of [hubs.<name>] tables");
  for (const auto& [name, section] : it->second.items()) parseSection(name, section);
}

}  // namespace ehagent::agent
