#pragma once
// What every ehagent-install command shares: the config file, the state dir and the trust
// directories, with the XDG defaults, and the way secrets are read (a file, else pinentry).
#include <filesystem>
#include <string>

#include "agent/config/config.hpp"
#include "agent/config/trust.hpp"
#include "certs/revocation.hpp"
#include "certs/trust_store.hpp"
#include "core/secret.hpp"

namespace ehagent::installer {

struct Context {
  std::filesystem::path configFile;     // empty: agent::defaultConfigFile()
  std::filesystem::path stateDir;       // empty: config state_dir, else agent::defaultStateDir()
  std::filesystem::path bundledTrust = agent::default_bundled_trust_dir;
  agent::Config config;

  // Resolves the defaults and reads the config (a missing file gives the defaults).
  void load();
  [[nodiscard]] std::filesystem::path trustDir() const { return agent::addedTrustDir(stateDir); }
  [[nodiscard]] certs::TrustStore trustStore() const;
  [[nodiscard]] std::vector<std::string> modules() const;  // configured, else the default list
  // [revocation] from the config, its answer cache in the state dir (created when missing). A
  // non-empty policyOverride (a command's --revocation) replaces the configured policy.
  [[nodiscard]] certs::RevocationOptions revocation(const std::string& policyOverride = "") const;
};

// The first line of a file, without its line end. Throws std::runtime_error naming the file.
Secret readSecretFile(const std::filesystem::path& file);
// Asks through the configured pinentry program.
Secret askSecret(const Context& ctx, const std::string& title, const std::string& description,
                 const std::string& prompt);
// readSecretFile(file) when a file is named, else askSecret.
Secret secretFrom(const Context& ctx, const std::filesystem::path& file, const std::string& title,
                  const std::string& description, const std::string& prompt);

}  // namespace ehagent::installer
