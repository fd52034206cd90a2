#pragma once
// The agent's configuration (agent.toml). Every key and section is declared in one schema table
// (schema.cpp) and read through the typed readers of readers.hpp; a key the schema does not know
// is an error that names it, so a typo never silently falls back to a default.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "agent/config/hubs.hpp"
#include "agent/i18n/texts.hpp"
#include "agent/config/revocation.hpp"
#include "agent/config/sts.hpp"

namespace ehagent::agent {

class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct Limits {
  std::size_t body_bytes = 8 * 1024 * 1024;
  std::size_t header_bytes = 16 * 1024;
  int read_timeout_seconds = 30;
  int idle_timeout_seconds = 120;
  int max_connections = 64;
};

struct Config {
  // "127.0.0.1:17443"; empty: the per-user port (agent/config/endpoint.hpp).
  std::string listen;
  std::filesystem::path socket;  // empty: defaultSocketPath()
  std::vector<std::string> allowed_origins;
  std::string log_level = "info";
  Limits limits;
  std::size_t card_queue_depth = 8;
  int pin_idle_timeout_minutes = 30;
  // How long a PIN dialog waits for the practitioner before the login fails (pinentry_failed).
  int pin_timeout_seconds = 120;
  std::string pinentry = "auto";  // or a program: agent/pin/pinentry_choice.hpp
  std::vector<std::string> modules;
  // The practitioner's SSIN, for a machine where more than one practitioner's eID and eHealth
  // token can be present at once (a shared consultation room, the specimen setup): only this
  // holder is taken as the practitioner. Empty: the first holder with an eHealth token.
  std::string practitioner_ssin;
  // The practitioner's eHealth token as a PKCS#11 URI ("pkcs11:token=eHealth%20Alice"), where the
  // machine holds more than one eHealth token of the same practitioner or one must be pinned.
  std::string practitioner_token;
  // The HTTP proxy for the STS, the hubs and revocation ("http://proxy.example:3128"); empty: the
  // environment's HTTPS_PROXY / http_proxy. no_proxy lists hosts that bypass it, as NO_PROXY does.
  std::string proxy;
  std::string no_proxy;
  // Log in as soon as the practitioner's eID is in (PINs asked once, never retried on their own);
  // false: a login starts with POST /v1/session.
  bool login_on_insert = true;
  // The PIN dialogs' and the status page's language ("nl", "fr", "de", "en"); default: the locale's.
  Language language = languageFromLocale();
  std::filesystem::path state_dir;  // empty: defaultStateDir()
  // The bundled trust anchors; not a TOML key but `--bundled-trust DIR`, as for ehagent-install.
  // Empty: default_bundled_trust_dir (agent/config/trust.hpp).
  std::filesystem::path bundled_trust_dir;
  std::optional<StsSettings> sts;                // [sts]; none: logins stop before the STS
  std::map<std::string, hubs::HubEndpoint> hubs;  // [hubs.<name>]
  RevocationSettings revocation;                  // [revocation]
};

// Parses TOML text; `source` names the file in error messages. Throws ConfigError.
Config parseConfig(std::string_view toml_text, std::string_view source);
// Reads the file; a missing file gives the defaults unless `must_exist`.
Config loadConfig(const std::filesystem::path& file, bool must_exist);

struct ListenAddress {
  std::string host;  // "127.0.0.1" or "::1"
  std::uint16_t port = 0;
  // The port is the per-user default, not a configured one: if another program holds it, any
  // free port will do (endpoint.json publishes it) rather than no agent at all.
  bool fall_back_to_any_port = false;
};

// "127.0.0.1:17443", "[::1]:17443", "localhost:17443". Anything that is not loopback is refused
// with ConfigError, whatever the config says: the API must never be reachable from the network.
ListenAddress parseListenAddress(std::string_view text);
// "127.0.0.1:17443" or "[::1]:17443", as a URL and a message write it.
std::string formatListenAddress(const std::string& host, std::uint16_t port);

// The state directory the config names, or defaultStateDir() (agent/config/paths.hpp).
std::filesystem::path effectiveStateDir(const Config& config);

}  // namespace ehagent::agent
