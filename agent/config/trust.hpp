#pragma once
// The agent's trust store: the bundled anchors plus the CA certificates IT staff add under
// <state dir>/trust (`ehagent-install trust add`). One definition for everything that trusts a
// certificate: `ehagent serve` checks the practitioner's certificates against it at login, and
// ehagent-install's trust, certs and doctor commands read the same store.
#include <filesystem>

#include "certs/trust_store.hpp"

namespace ehagent::agent {

// Where an installed agent finds the bundled anchors (data/trust in the source tree: the Belgian
// eID roots). `--bundled-trust DIR` points a command elsewhere.
inline constexpr const char* default_bundled_trust_dir = "/usr/share/ehagent/trust";

// <state dir>/trust: the anchors IT staff added.
[[nodiscard]] std::filesystem::path addedTrustDir(const std::filesystem::path& stateDir);

// Both directories, read now: an anchor added while the agent runs counts at the next login.
// An empty bundledDir means default_bundled_trust_dir.
[[nodiscard]] certs::TrustStore loadTrustStore(const std::filesystem::path& bundledDir,
                                               const std::filesystem::path& stateDir);

}  // namespace ehagent::agent
