// [hubs.<name>] sections: where each hub is and how it is trusted.
#include "agent/config/hubs.hpp"

#include "agent/config/config.hpp"
#include "agent/config/readers.hpp"

namespace ehagent::agent {
namespace {

using namespace config_read;

hubs::HubEndpoint readHub(const std::string& name, const toml::node& node) {
  const std::string prefix = "hubs." + name;
  const toml::table& section = table(node, prefix);
  onlyKnownKeys(section, prefix, {"endpoint", "hub_id", "ca_file", "timeout_seconds", "allow_plain_loopback"});
  for (const char* required : {"endpoint", "hub_id"}) {
    if (!section.contains(required)) {
      throw ConfigError("config key '" + prefix + "." + required + "' is required");
    }
  }
  hubs::HubEndpoint hub;
  hub.name = name;
  hub.url = text(*section.get("endpoint"), prefix + ".endpoint");
  try {
    tokens::Url::parse(hub.url);
  } catch (const std::exception& e) {
    throw ConfigError(prefix + ".endpoint: " + e.what());
  }
  hub.hubId = text(*section.get("hub_id"), prefix + ".hub_id");
  if (const toml::node* ca = section.get("ca_file")) hub.http.ca_file = text(*ca, prefix + ".ca_file");
  if (const toml::node* t = section.get("timeout_seconds")) {
    hub.http.read_timeout = std::chrono::seconds(integer(*t, prefix + ".timeout_seconds", 1, 600));
  }
  if (const toml::node* plain = section.get("allow_plain_loopback")) {
    hub.http.allow_plain_loopback = flag(*plain, prefix + ".allow_plain_loopback");
  }
  hub.http.service = "hub";
  return hub;
}

}  // namespace

std::map<std::string, hubs::HubEndpoint> readHubsSection(const toml::node& node) {
  std::map<std::string, hubs::HubEndpoint> out;
  for (const auto& [name, hub] : table(node, "hubs")) {
    out.emplace(std::string(name.str()), readHub(std::string(name.str()), hub));
  }
  return out;
}

std::optional<hubs::HubEndpoint> hubEndpoint(const Config& config, const std::string& name) {
  const auto it = config.hubs.find(name);
  if (it == config.hubs.end()) return std::nullopt;
  return it->second;
}

}  // namespace ehagent::agent
