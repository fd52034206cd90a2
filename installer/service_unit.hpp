#pragma once
// The systemd user unit that runs `ehagent serve`, and the few systemctl --user calls that load
// it. No socket unit: the agent binds its own sockets and is not socket-activated.
#include <filesystem>
#include <string>
#include <vector>

namespace ehagent::installer {

inline constexpr const char* service_unit_name = "ehagent.service";

struct ServiceSettings {
  std::filesystem::path agentBinary;  // absolute
  std::filesystem::path configFile;   // absolute; empty: the agent's own default
  std::filesystem::path stateDir;     // absolute
  std::filesystem::path bundledTrust; // absolute; empty: the agent's default, not written
};

// $XDG_CONFIG_HOME/systemd/user, where a user manager looks for units.
[[nodiscard]] std::filesystem::path userUnitDir();

// `ehagent serve` with the settings' arguments, each word as execWord writes it.
[[nodiscard]] std::string execStartLine(const ServiceSettings& settings);

// The unit file text. Throws std::invalid_argument for a path a unit file cannot carry (a
// newline or other control character).
[[nodiscard]] std::string serviceUnitText(const ServiceSettings& settings);

// One ExecStart word: quoted when it holds a space, quote or backslash; '%' and '$' doubled so
// that systemd takes them literally.
[[nodiscard]] std::string execWord(const std::string& word);

// The ehagent binary beside this program (the way packages install both), else the first on PATH.
// Empty when neither exists.
[[nodiscard]] std::filesystem::path findAgentBinary();

struct Systemctl {
  int exitCode = -1;    // 127 when systemctl cannot be run
  std::string output;   // stdout and stderr together, trimmed
};

// Runs `systemctl --user ARGS...`.
Systemctl systemctlUser(const std::vector<std::string>& args);

// Whether a systemd user manager answers (`systemctl --user show-environment`); `why` gets the
// answer when it does not.
bool userManagerReachable(std::string& why);

}  // namespace ehagent::installer
