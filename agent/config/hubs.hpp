#pragma once
// [hubs.<name>]: endpoint (https URL), hub_id, ca_file (TLS trust; empty: system store),
// timeout_seconds, allow_plain_loopback (tests only).
#include <optional>
#include <string>

#include "agent/config/config.hpp"
#include "hubs/client.hpp"

namespace ehagent::agent {

// The hub the config names; nothing for a hub it does not name. Throws ConfigError for a
// malformed section.
std::optional<hubs::HubEndpoint> hubEndpoint(const Config& config, const std::string& name);
// Checks every [hubs.*] section; parseConfig calls it, so a mistake stops the agent at start-up
// and `serve --check-config`, not at the first hub call. Throws ConfigError naming the key.
void validateHubsConfig(const Config& config);

}  // namespace ehagent::agent
