#pragma once
// The subcommands of ehagent-install, one registration function per group. Each callback throws
// on failure; main prints the message and exits non-zero.
#include <CLI/CLI.hpp>

#include "installer/context.hpp"

namespace ehagent::installer {

void addTrustCommands(CLI::App& app, Context& ctx);
void addCertsCommands(CLI::App& app, Context& ctx);
void addCertsRemoveCommand(CLI::App& certsCmd, Context& ctx);  // under `certs`
void addServiceCommands(CLI::App& app, Context& ctx);
void addClientsCommands(CLI::App& app, Context& ctx);
void addDoctorCommand(CLI::App& app, Context& ctx);

// A failure with the exit code main should use.
struct CommandFailed : std::runtime_error {
  CommandFailed(const std::string& message, int exitCode = 1)
      : std::runtime_error(message), exit_code(exitCode) {}
  int exit_code;
};

}  // namespace ehagent::installer
