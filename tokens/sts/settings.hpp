#pragma once
// The [sts] section of agent.toml (kept by the agent's config loader as JSON for this owner to
// validate) read into StsClient and TokenCache settings. Unknown keys are errors that name them.
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
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "tokens/sts/client.hpp"

namespace ehagent::tokens {

struct StsSettings {
  StsConfig client;
  std::string profession = "doctor";
  std::filesystem::path profiles_file;  // empty: StsProfiles::builtin()
  bool persist_tokens = false;
};

// `trust` pins: an assertion is believed only when its signing certificate is one of these
// certificates. A CA listed there is not an STS, and neither is any certificate it issues, since
// one CA also issues TLS and other services' certificates (several entries allow an STS key roll-over).
//
// Throws tokens::Error("invalid_input") naming the key that is wrong. A missing section (null)
// gives the defaults, except that `trust` is required: without it no assertion can be accepted.
StsSettings stsSettingsFromJson(const nlohmann::json& section);

}  // namespace ehagent::tokens
