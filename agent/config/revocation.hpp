#pragma once
// The [revocation] section of agent.toml: how a certificate's revocation is checked. Read by
// everything that checks revocation (the agent's login, ehagent-install certs list and doctor),
// and read when the configuration is loaded, so a mistyped key or policy is an error at once.
//
//   [revocation]
//   policy = "soft-fail"                  # strict | soft-fail (default) | off
//   ocsp_responder = "http://ocsp.example/"  # instead of the certificate's AIA URL
//   crl_files = ["/etc/ehagent/ehealth.crl"]
//   crl_urls = ["http://crl.example/ca.crl"]
//   fetch_crl_distribution_points = true  # the certificate's own CRL URLs, after the above
//   timeout_seconds = 5                   # per OCSP or CRL exchange
//   ocsp_nonce = true
//   cache = true                          # keep answers until nextUpdate in <state_dir>/revocation-cache
#include <filesystem>

#include <toml++/toml.h>

#include "certs/revocation.hpp"

namespace ehagent::agent {

struct Config;

struct RevocationSettings {
  certs::RevocationOptions options;  // cacheFile left empty: it depends on the state directory
  bool cache = true;
};

// Throws ConfigError naming the key.
RevocationSettings readRevocationSection(const toml::node& section);

// The options for a checker; stateDir places the cache file (empty: the cache is in memory only).
[[nodiscard]] certs::RevocationOptions revocationOptions(const Config& config,
                                                         const std::filesystem::path& stateDir);

[[nodiscard]] std::filesystem::path revocationCacheFile(const std::filesystem::path& stateDir);

}  // namespace ehagent::agent
