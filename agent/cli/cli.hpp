#pragma once
// The `ehagent` commands as functions, so main.cpp only parses arguments and tests can call
// them. Each returns the process exit code and writes to the given streams.
#include <filesystem>
#include <optional>
#include <ostream>
#include <string>

#include "agent/config/config.hpp"

namespace ehagent::agent {

struct CommonOptions {
  std::optional<std::filesystem::path> config_file;  // --config
  std::optional<std::filesystem::path> state_dir;    // --state-dir
  std::optional<std::filesystem::path> bundled_trust;  // --bundled-trust
};

// Loads the config (the default file may be absent) and applies --state-dir and --bundled-trust.
Config loadEffectiveConfig(const CommonOptions& common);
std::filesystem::path effectiveStateDir(const Config& config);

struct ServeOptions {
  std::optional<std::string> listen;                // --listen
  std::optional<std::filesystem::path> socket;      // --socket
  bool no_socket = false;                           // --no-socket
  bool check_config = false;                        // --check-config
};

// Prints "ready tcp=127.0.0.1:PORT unix=PATH endpoint=FILE" on stdout once both listeners are
// bound and endpoint.json is written.
int runServe(const CommonOptions& common, const ServeOptions& options, std::ostream& out,
             std::ostream& err);

int runClientsAdd(const CommonOptions& common, const std::string& name, std::ostream& out,
                  std::ostream& err);
int runClientsList(const CommonOptions& common, bool json, std::ostream& out, std::ostream& err);
int runClientsRemove(const CommonOptions& common, const std::string& name, std::ostream& out,
                     std::ostream& err);

int runAuditList(const CommonOptions& common, const std::string& since,
                 const std::string& operation, const std::string& patient, bool json,
                 std::ostream& out, std::ostream& err);
// Exit 0 if the chain holds, 1 naming the first broken row.
int runAuditVerify(const CommonOptions& common, std::ostream& out, std::ostream& err);

// Logging to stderr at the configured level.
void setUpLogging(const std::string& level);

}  // namespace ehagent::agent
