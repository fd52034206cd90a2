#include "agent/config/paths.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>

namespace ehagent::agent {
namespace {

std::filesystem::path homeDir() {
  const char* home = std::getenv("HOME");
  if (home == nullptr || *home == '\0') {
    throw std::runtime_error("HOME is not set; pass --config and --state-dir explicitly");
  }
  return home;
}

// XDG says a relative value must be ignored.
std::filesystem::path xdgDir(const char* variable, const std::filesystem::path& fallback) {
  const char* value = std::getenv(variable);
  if (value != nullptr && value[0] == '/') return value;
  return fallback;
}

}  // namespace

std::filesystem::path userConfigHome() { return xdgDir("XDG_CONFIG_HOME", homeDir() / ".config"); }

std::filesystem::path userDataHome() { return xdgDir("XDG_DATA_HOME", homeDir() / ".local" / "share"); }

std::filesystem::path defaultConfigFile() { return userConfigHome() / "ehagent" / "agent.toml"; }

std::filesystem::path defaultStateDir() {
  return xdgDir("XDG_STATE_HOME", homeDir() / ".local" / "state") / "ehagent";
}

std::filesystem::path defaultSocketPath() {
  const char* runtime = std::getenv("XDG_RUNTIME_DIR");
  if (runtime != nullptr && runtime[0] == '/') {
    return std::filesystem::path(runtime) / "ehagent" / "api.sock";
  }
  return defaultStateDir() / "run" / "api.sock";
}

void ensurePrivateDirectory(const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    throw std::runtime_error("cannot create directory " + dir.string() + ": " + ec.message());
  }
  if (::chmod(dir.c_str(), 0700) != 0) {
    throw std::runtime_error("cannot restrict directory " + dir.string() + ": " +
                             std::strerror(errno));
  }
}

}  // namespace ehagent::agent
