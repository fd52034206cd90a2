#pragma once
// Where the agent keeps its files, following the XDG base directory specification so that a
// per-user agent never needs root and never shares state between users.
#include <filesystem>

namespace ehagent::agent {

// $XDG_CONFIG_HOME (falls back to ~/.config).
std::filesystem::path userConfigHome();
// $XDG_DATA_HOME, default ~/.local/share.
std::filesystem::path userDataHome();
// $XDG_CONFIG_HOME/ehagent/agent.toml.
std::filesystem::path defaultConfigFile();
// $XDG_STATE_HOME/ehagent (falls back to ~/.local/state).
std::filesystem::path defaultStateDir();
// $XDG_RUNTIME_DIR/ehagent/api.sock; without XDG_RUNTIME_DIR, a directory under the state dir.
std::filesystem::path defaultSocketPath();

// Creates the directory (and parents) and restricts it to the owner (0700).
void ensurePrivateDirectory(const std::filesystem::path& dir);

}  // namespace ehagent::agent
