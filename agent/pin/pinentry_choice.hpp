#pragma once
// Which pinentry program can show a dialog here. `/usr/bin/pinentry` is whatever the alternatives
// system points at, often the curses one, which fails without a terminal ("Inappropriate ioctl
// for device"): an agent started by systemd or a desktop has none. With `pinentry = "auto"` (the
// default) the program is chosen for each question from what this session can show.
#include <optional>
#include <string>
#include <vector>

#include "agent/pin/pinentry.hpp"

namespace ehagent::agent {

// What the choice looks at; read from the process by PinentryEnvironment::current().
struct PinentryEnvironment {
  bool display = false;   // DISPLAY or WAYLAND_DISPLAY is set and not empty
  std::optional<std::string> terminal;  // the controlling terminal of stdin, when it is one
  std::string desktop;    // XDG_CURRENT_DESKTOP, for the advice: "GNOME", "KDE"
  [[nodiscard]] static PinentryEnvironment current();
};

// The graphical programs in order of preference, then the terminal one.
inline const std::vector<std::string> graphical_pinentries{"pinentry-gnome3", "pinentry-qt", "pinentry-gtk-2"};
inline constexpr const char* terminal_pinentry = "pinentry-curses";

// `options` itself when its program is not "auto"; else a graphical program found in PATH when
// there is a display, the curses one (told the terminal) when stdin is a terminal. Throws
// PinentryUnavailable saying which package to install where none can show.
[[nodiscard]] PinentryOptions choosePinentry(const PinentryOptions& options,
                                             const PinentryEnvironment& environment = PinentryEnvironment::current());

}  // namespace ehagent::agent
