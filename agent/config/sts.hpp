#pragma once
// The [sts] section of agent.toml, read at load into StsClient and TokenCache settings. Unknown
// keys and wrong types are errors that name the key; `trust` is required, since without it no
// assertion can be accepted.
//
//   [sts]
//   endpoint = "https://services-acpt.ehealth.fgov.be/IAM/SecurityTokenService/v1"
//   token_lifetime_seconds = 86400
//   trust = ["/etc/ehagent/sts-signing.pem"]   # the STS signing certificate(s) themselves
//   ca_file = "/etc/ssl/certs/ca-certificates.crt"   # TLS; default: the system store
//   ca_dir = ""
//   connect_timeout_ms = 5000
//   read_timeout_ms = 30000
//   connect_attempts = 3
//   profession = "doctor"
//   profiles_file = ""            # replaces the built-in STS profiles
//   persist_tokens = false        # survive restarts, encrypted in the state directory
//   allow_plain_loopback = false  # tests only
#include <filesystem>
#include <string>

#include <toml++/toml.h>

#include "tokens/sts/client.hpp"

namespace ehagent::agent {

struct StsSettings {
  // `sts_trust` pins: an assertion is believed only when its signing certificate is one of these
  // certificates. A CA listed there is not an STS, and neither is any certificate it issues, since
  // one CA also issues TLS and other services' certificates (several entries allow a key roll-over).
  tokens::StsConfig client;
  std::string profession = "doctor";
  std::filesystem::path profiles_file;  // empty: StsProfiles::builtin()
  bool persist_tokens = false;
};

// Throws ConfigError naming the key that is wrong, the trust file that cannot be read, or the
// profession the profiles do not know.
StsSettings readStsSection(const toml::node& section);

}  // namespace ehagent::agent
