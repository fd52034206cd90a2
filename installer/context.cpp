#include "installer/context.hpp"

#include <fstream>
#include <stdexcept>

#include "agent/paths.hpp"
#include "agent/pinentry.hpp"
#include "pkcs11/module_list.hpp"

namespace ehagent::installer {

void Context::load() {
  if (configFile.empty()) configFile = agent::defaultConfigFile();
  config = agent::loadConfig(configFile, false);
  if (stateDir.empty()) stateDir = config.state_dir.empty() ? agent::defaultStateDir() : config.state_dir;
}

certs::TrustStore Context::trustStore() const {
  return certs::TrustStore::fromDirectories({bundledTrust, trustDir()});
}

std::vector<std::string> Context::modules() const {
  return config.modules.empty() ? pkcs11::defaultModulePaths() : config.modules;
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

}  // namespace ehagent::installer
