#pragma once
// [hubs.<name>]: endpoint (https URL), hub_id, ca_file (TLS trust; empty: system store),
// timeout_seconds, allow_plain_loopback (tests only). Read at load, so a mistake stops the agent
// at start-up and `serve --check-config`, not at the first hub call.
#include <map>
#include <optional>
#include <string>

#include <toml++/toml.h>

#include "hubs/client.hpp"

namespace ehagent::agent {

struct Config;

// Every [hubs.*] table by name. Throws ConfigError naming the key.
std::map<std::string, hubs::HubEndpoint> readHubsSection(const toml::node& section);

// The hub the config names; nothing for a hub it does not name.
std::optional<hubs::HubEndpoint> hubEndpoint(const Config& config, const std::string& name);

}  // namespace ehagent::agent
