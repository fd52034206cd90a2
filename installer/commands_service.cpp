#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>

#include "installer/commands.hpp"
#include "installer/service_unit.hpp"

namespace ehagent::installer {
namespace fs = std::filesystem;
namespace {

// Exit code of `service install` when the unit was written but no systemd user manager answers,
// so a script can tell "installed but not running" from success and from failure.
constexpr int exit_systemd_unreachable = 3;

struct ServiceArgs {
  fs::path agentBinary;
  bool noEnable = false;
};

std::string enableCommands() {
  return std::string("systemctl --user daemon-reload && systemctl --user enable --now ") + service_unit_name;
}

void writeUnit(const fs::path& file, const std::string& text) {
  fs::create_directories(file.parent_path());
  const std::string tmp = file.string() + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw CommandFailed("service install refused (unit_write): cannot write " + tmp);
  const bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ::close(fd);
  if (!written || std::rename(tmp.c_str(), file.c_str()) != 0) {
    std::remove(tmp.c_str());
    throw CommandFailed("service install refused (unit_write): cannot write " + file.string());
  }
}

ServiceSettings resolveSettings(const Context& ctx, const ServiceArgs& args) {
  ServiceSettings s;
  s.agentBinary = args.agentBinary.empty() ? findAgentBinary() : fs::absolute(args.agentBinary);
  if (s.agentBinary.empty() || ::access(s.agentBinary.c_str(), X_OK) != 0) {
    throw CommandFailed("service install refused (agent_not_found): no executable ehagent " +
                        (args.agentBinary.empty() ? std::string("beside ehagent-install or on PATH")
                                                  : "at " + args.agentBinary.string()) +
                        "; name it with --agent-binary PATH");
  }
  // `ehagent serve --config F` requires F to exist; without one the agent reads its default path
  // whenever it appears, so the flag is written only for a file that is there.
  if (fs::exists(ctx.configFile)) s.configFile = fs::absolute(ctx.configFile);
  s.stateDir = fs::absolute(ctx.stateDir);
  // The agent checks logins against the same anchors as `trust list` and `certs list` here.
  if (ctx.bundledTrust != agent::default_bundled_trust_dir) s.bundledTrust = fs::absolute(ctx.bundledTrust);
  return s;
}

void runInstall(Context& ctx, const ServiceArgs& args) {
  ctx.load();
  const ServiceSettings settings = resolveSettings(ctx, args);
  std::string text;
  try {
    text = serviceUnitText(settings);
  } catch (const std::invalid_argument& e) {
    throw CommandFailed(std::string("service install refused (unit_path): ") + e.what());
  }
  const fs::path file = userUnitDir() / service_unit_name;
  writeUnit(file, text);
  std::cout << "wrote " << file.string() << ":\n" << text;
  if (settings.configFile.empty()) {
    std::cout << "note: " << ctx.configFile.string()
              << " does not exist yet; the agent runs with the defaults and reads that file when it starts "
                 "(restart the service after creating it)\n";
  }
  if (args.noEnable) {
    std::cout << "not enabled (--no-enable). To start it: " << enableCommands() << "\n";
    return;
  }
  std::string why;
  if (!userManagerReachable(why)) {
    throw CommandFailed("systemd is not running for this user (" + why + "), so the unit was written but not "
                        "enabled or started. Log in to a session that has a systemd user manager (or run "
                        "loginctl enable-linger for this user) and run: " + enableCommands() +
                        ". Without systemd, start `" + execStartLine(settings) +
                        "` from the desktop session's autostart instead.",
                        exit_systemd_unreachable);
  }
  for (const std::vector<std::string>& step :
       {std::vector<std::string>{"daemon-reload"}, std::vector<std::string>{"enable", "--now", service_unit_name}}) {
    const Systemctl r = systemctlUser(step);
    if (r.exitCode != 0) {
      throw CommandFailed("service install failed (systemctl): systemctl --user " + step.front() + ": " + r.output +
                          "; see journalctl --user -u " + service_unit_name);
    }
  }
  std::cout << "enabled and started " << service_unit_name << " (systemctl --user status " << service_unit_name
            << ")\n";
}

void runUninstall(Context& ctx) {
  ctx.load();
  const fs::path file = userUnitDir() / service_unit_name;
  const fs::path wants = userUnitDir() / "default.target.wants" / service_unit_name;
  std::string why;
  const bool reachable = userManagerReachable(why);
  if (reachable) {
    const Systemctl r = systemctlUser({"disable", "--now", service_unit_name});
    std::cout << (r.exitCode == 0 ? "stopped and disabled " + std::string(service_unit_name)
                                  : "systemctl --user disable --now: " + r.output)
              << "\n";
  }
  bool removed = false;
  for (const fs::path& p : {wants, file}) {
    std::error_code ec;
    if (fs::is_symlink(p, ec) || fs::exists(p, ec)) {
      if (!fs::remove(p, ec)) {
        throw CommandFailed("service uninstall failed (unit_write): cannot remove " + p.string() + ": " + ec.message());
      }
      std::cout << "removed " << p.string() << "\n";
      removed = true;
    }
  }
  if (!removed) std::cout << "no unit at " << file.string() << "; nothing to remove\n";
  if (reachable) {
    systemctlUser({"daemon-reload"});
  } else {
    std::cout << "systemd is not running for this user (" << why
              << "), so nothing was stopped; an agent started by hand keeps running until it is stopped\n";
  }
}

}  // namespace

void addServiceCommands(CLI::App& app, Context& ctx) {
  auto* service = app.add_subcommand("service", "Run the agent as a systemd user service");
  service->require_subcommand(1);
  static ServiceArgs args;
  auto* install = service->add_subcommand(
      "install",
      "Write $XDG_CONFIG_HOME/systemd/user/ehagent.service for `ehagent serve` and enable it. Exit 0: written (and "
      "started unless --no-enable); 3: written, but no systemd user manager is running; 1: failed");
  install->add_option("--agent-binary", args.agentBinary,
                      "the ehagent program (default: beside ehagent-install, else on PATH)");
  install->add_flag("--no-enable", args.noEnable, "only write the unit file");
  install->callback([&ctx] { runInstall(ctx, args); });

  auto* uninstall = service->add_subcommand(
      "uninstall", "Stop and disable the user service (when systemd runs) and remove its unit file");
  uninstall->callback([&ctx] { runUninstall(ctx); });
}

}  // namespace ehagent::installer
