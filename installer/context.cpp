#include "installer/context.hpp"

#include <fstream>
#include <stdexcept>

#include "agent/config/paths.hpp"
#include "agent/pin/pinentry.hpp"
#include "agent/config/revocation.hpp"
#include "pkcs11/module_list.hpp"

namespace ehagent::installer {

void Context::load() {
  if (configFile.empty()) configFile = agent::defaultConfigFile();
  config = agent::loadConfig(configFile, false);
  if (stateDir.empty()) stateDir = config.state_dir.empty() ? agent::defaultStateDir() : config.state_dir;
}

certs::TrustStore Context::trustStore() const {
  return agent::loadTrustStore(bundledTrust, stateDir);
}

std::vector<std::string> Context::modules() const {
  return config.modules.empty() ? pkcs11::defaultModulePaths() : config.modules;
}

certs::RevocationOptions Context::revocation(const std::string& policyOverride) const {
  auto options = agent::revocationOptions(config, stateDir);
  if (!policyOverride.empty()) options.policy = certs::parseRevocationPolicy(policyOverride);
  if (!options.cacheFile.empty()) agent::ensurePrivateDirectory(stateDir);
  return options;
}

Secret readSecretFile(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + file.string());
  Secret secret;
  char c = 0;
  // Char by char into the Secret, so no unwiped std::string copy is left behind.
  while (in.get(c) && c != '\n') {
    if (c != '\r') secret.push_back(c);
  }
  return secret;
}

Secret askSecret(const Context& ctx, const std::string& title, const std::string& description,
                 const std::string& prompt) {
  agent::PinentryOptions options;
  options.program = ctx.config.pinentry;
  agent::PinRequest request;
  request.title = title;
  request.description = description;
  request.prompt = prompt;
  return agent::Pinentry(options).getPin(request);
}

Secret secretFrom(const Context& ctx, const std::filesystem::path& file, const std::string& title,
                  const std::string& description, const std::string& prompt) {
  if (!file.empty()) return readSecretFile(file);
  return askSecret(ctx, title, description, prompt);
}

}  // namespace ehagent::installer
