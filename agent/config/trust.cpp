#include "agent/config/trust.hpp"

namespace ehagent::agent {

std::filesystem::path addedTrustDir(const std::filesystem::path& stateDir) {
  return stateDir / "trust";
}

certs::TrustStore loadTrustStore(const std::filesystem::path& bundledDir,
                                 const std::filesystem::path& stateDir) {
  const std::filesystem::path bundled = bundledDir.empty() ? default_bundled_trust_dir : bundledDir;
  return certs::TrustStore::fromDirectories({bundled, addedTrustDir(stateDir)});
}

}  // namespace ehagent::agent
