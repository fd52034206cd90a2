#pragma once
// The [revocation] section of agent.toml: how a certificate's revocation is checked. Read by
// everything that checks revocation (ehagent-install certs list and doctor), and validated when
// the configuration is loaded, so a mistyped key or policy is an error at once.
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

#include "agent/config/config.hpp"
#include "certs/revocation.hpp"

namespace ehagent::agent {

// Throws ConfigError naming the key. stateDir places the cache file; empty leaves the cache in
// memory only.
[[nodiscard]] certs::RevocationOptions revocationOptions(const Config& config,
                                                         const std::filesystem::path& stateDir);

[[nodiscard]] std::filesystem::path revocationCacheFile(const std::filesystem::path& stateDir);

}  // namespace ehagent::agent
