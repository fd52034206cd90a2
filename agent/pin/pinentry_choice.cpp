#include "agent/pin/pinentry_choice.hpp"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <sstream>

namespace ehagent::agent {
namespace {

std::string environmentValue(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr ? value : "";
}

bool inPath(const std::string& program) {
  std::istringstream path(environmentValue("PATH"));
  for (std::string dir; std::getline(path, dir, ':');) {
    if (dir.empty()) continue;
    const std::filesystem::path candidate = std::filesystem::path(dir) / program;
    if (::access(candidate.c_str(), X_OK) == 0) return true;
  }
  return false;
}

// The package a person installs for this desktop: Qt's on KDE and LXQt, GNOME's elsewhere.
std::string advisedPackage(const PinentryEnvironment& environment) {
  const bool qt = environment.desktop.find("KDE") != std::string::npos ||
                  environment.desktop.find("LXQt") != std::string::npos;
  return qt ? "pinentry-qt" : "pinentry-gnome3";
}

}  // namespace

PinentryEnvironment PinentryEnvironment::current() {
  PinentryEnvironment environment;
  environment.display = !environmentValue("DISPLAY").empty() || !environmentValue("WAYLAND_DISPLAY").empty();
  if (::isatty(STDIN_FILENO) == 1) {
    if (const char* name = ::ttyname(STDIN_FILENO)) environment.terminal = name;
  }
  environment.desktop = environmentValue("XDG_CURRENT_DESKTOP");
  return environment;
}

PinentryOptions choosePinentry(const PinentryOptions& options, const PinentryEnvironment& environment) {
  if (options.program != "auto") return options;
  PinentryOptions chosen = options;
  if (environment.display) {
    for (const std::string& program : graphical_pinentries) {
      if (inPath(program)) {
        chosen.program = program;
        return chosen;
      }
    }
  }
  if (environment.terminal && inPath(terminal_pinentry)) {
    chosen.program = terminal_pinentry;
    chosen.arguments = {"--ttyname", *environment.terminal};
    return chosen;
  }
  const std::string package = advisedPackage(environment);
  if (environment.display) {
    throw PinentryUnavailable("no PIN dialog can be shown: this desktop session has no graphical pinentry; install " +
                              package + " (sudo apt install " + package + ")");
  }
  throw PinentryUnavailable(
      "no PIN dialog can be shown: the agent has no display (DISPLAY and WAYLAND_DISPLAY are not set) and no "
      "terminal; run it in the desktop session (systemctl --user import-environment DISPLAY WAYLAND_DISPLAY, "
      "then systemctl --user restart ehagent) with " + package +
      " installed, or use a card reader with a pinpad");
}

}  // namespace ehagent::agent
