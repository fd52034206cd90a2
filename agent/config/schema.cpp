#include "agent/config/schema.hpp"

#include "agent/config/readers.hpp"
#include "certs/identifiers.hpp"
#include "pkcs11/error.hpp"
#include "pkcs11/uri.hpp"

#include <algorithm>
#include <limits>
#include <string>

namespace ehagent::agent {
namespace {

using namespace config_read;

constexpr std::int64_t kMaxInt = std::numeric_limits<int>::max();

}  // namespace

const std::vector<ConfigKey>& configKeys() {
  static const std::vector<ConfigKey> keys = {
      {"listen", [](const toml::node& n, Config& c) { c.listen = text(n, "listen"); }},
      {"socket", [](const toml::node& n, Config& c) { c.socket = text(n, "socket"); }},
      {"state_dir", [](const toml::node& n, Config& c) { c.state_dir = text(n, "state_dir"); }},
      {"allowed_origins",
       [](const toml::node& n, Config& c) { c.allowed_origins = texts(n, "allowed_origins"); }},
      {"log_level",
       [](const toml::node& n, Config& c) {
         c.log_level = text(n, "log_level");
         static const std::vector<std::string> levels = {"trace", "debug", "info", "warn",
                                                          "error", "critical", "off"};
         if (std::find(levels.begin(), levels.end(), c.log_level) == levels.end()) {
           throw ConfigError("config key 'log_level' must be one of trace, debug, info, warn, "
                             "error, critical, off");
         }
       }},
      {"limits.body_bytes",
       [](const toml::node& n, Config& c) {
         c.limits.body_bytes = integer(n, "limits.body_bytes", 1024, 1LL << 30);
       }},
      {"limits.header_bytes",
       [](const toml::node& n, Config& c) {
         c.limits.header_bytes = integer(n, "limits.header_bytes", 1024, 1 << 20);
       }},
      {"limits.read_timeout_seconds",
       [](const toml::node& n, Config& c) {
         c.limits.read_timeout_seconds = integer(n, "limits.read_timeout_seconds", 1, 3600);
       }},
      {"limits.idle_timeout_seconds",
       [](const toml::node& n, Config& c) {
         c.limits.idle_timeout_seconds = integer(n, "limits.idle_timeout_seconds", 1, 86400);
       }},
      {"limits.max_connections",
       [](const toml::node& n, Config& c) {
         c.limits.max_connections = integer(n, "limits.max_connections", 1, 100000);
       }},
      {"card_queue_depth",
       [](const toml::node& n, Config& c) {
         c.card_queue_depth = integer(n, "card_queue_depth", 1, 1024);
       }},
      {"pin_idle_timeout_minutes",
       [](const toml::node& n, Config& c) {
         c.pin_idle_timeout_minutes = integer(n, "pin_idle_timeout_minutes", 1, kMaxInt);
       }},
      {"pin_timeout_seconds",
       [](const toml::node& n, Config& c) {
         c.pin_timeout_seconds = integer(n, "pin_timeout_seconds", 5, 3600);
       }},
      {"pinentry", [](const toml::node& n, Config& c) { c.pinentry = text(n, "pinentry"); }},
      {"language",
       [](const toml::node& n, Config& c) {
         const std::string value = text(n, "language");
         const auto language = parseLanguage(value);
         if (value.size() != 2 || !language) {
           throw ConfigError("config key 'language' must be \"nl\", \"fr\", \"de\" or \"en\", not \"" + value + "\"");
         }
         c.language = *language;
       }},
      {"modules", [](const toml::node& n, Config& c) { c.modules = texts(n, "modules"); }},
      {"proxy",
       [](const toml::node& n, Config& c) {
         c.proxy = text(n, "proxy");
         const bool known = c.proxy.starts_with("http://") || c.proxy.starts_with("https://") ||
                            c.proxy.starts_with("socks5://") || c.proxy.starts_with("socks5h://");
         if (!known) {
           throw ConfigError("config key 'proxy' must be a URL such as \"http://proxy.example:3128\"");
         }
       }},
      {"no_proxy", [](const toml::node& n, Config& c) { c.no_proxy = text(n, "no_proxy"); }},
      {"practitioner_ssin",
       [](const toml::node& n, Config& c) {
         c.practitioner_ssin = text(n, "practitioner_ssin");
         if (!certs::isValidSsin(c.practitioner_ssin)) {
           throw ConfigError("config key 'practitioner_ssin' is not a valid SSIN (11 digits with a mod-97 check)");
         }
       }},
      {"practitioner_token",
       [](const toml::node& n, Config& c) {
         c.practitioner_token = text(n, "practitioner_token");
         try {
           if (!pkcs11::Uri::parse(c.practitioner_token).namesToken()) {
             throw ConfigError("config key 'practitioner_token' names no token: give token=, serial=, model= or manufacturer=");
           }
         } catch (const pkcs11::Error& e) {
           throw ConfigError(std::string("config key 'practitioner_token': ") + e.what());
         }
       }},
      {"login_on_insert",
       [](const toml::node& n, Config& c) { c.login_on_insert = flag(n, "login_on_insert"); }},
      // Sections read whole by their own readers (sts.hpp, hubs.hpp, revocation.hpp).
      {"sts", [](const toml::node& n, Config& c) { c.sts = readStsSection(n); }},
      {"hubs", [](const toml::node& n, Config& c) { c.hubs = readHubsSection(n); }},
      {"revocation", [](const toml::node& n, Config& c) { c.revocation = readRevocationSection(n); }},
  };
  return keys;
}

}  // namespace ehagent::agent
