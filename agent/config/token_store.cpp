#include "agent/config/token_store.hpp"

#include <cstdlib>
#include <fstream>
#include <stdexcept>

#include "agent/config/paths.hpp"

namespace ehagent::agent {

std::filesystem::path userTokenStoreDir() { return userDataHome() / "ehagent"; }

std::filesystem::path selectUserTokenStore(bool create) {
  if (const char* configured = std::getenv("SOFTHSM2_CONF"); configured != nullptr && *configured != '\0') {
    return configured;
  }
  std::filesystem::path dir;
  try {
    dir = userTokenStoreDir();
  } catch (const std::exception&) {
    if (create) throw;
    return {};  // no HOME: SoftHSM's system store, as before
  }
  const std::filesystem::path conf = dir / "softhsm2.conf";
  if (!std::filesystem::exists(conf)) {
    if (!create) return {};
    ensurePrivateDirectory(dir);
    ensurePrivateDirectory(dir / "tokens");
    std::ofstream out(conf);
    out << "# This user's SoftHSM token store, made by ehagent-install certs import.\n"
        << "directories.tokendir = " << (dir / "tokens").string() << "\n"
        << "objectstore.backend = file\n"
        << "log.level = ERROR\n";
    if (!out.flush()) throw std::runtime_error("cannot write " + conf.string());
  }
  ::setenv("SOFTHSM2_CONF", conf.c_str(), 1);
  return conf;
}

}  // namespace ehagent::agent
