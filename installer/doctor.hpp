#pragma once
// The checks a support call would ask about, each ok/warn/fail with a fix hint.
#include <string>
#include <vector>

#include "installer/context.hpp"

namespace ehagent::installer {

struct Check {
  std::string name;
  std::string state;  // "ok", "warn", "fail"
  std::string detail;
  std::string hint;   // empty when there is nothing to fix
};

// Loads ctx as Context::load does; a config that does not load is reported as the failed check
// `config` (as `ehagent serve --check-config` says it) and the defaults are checked instead.
Check loadConfigForDoctor(Context& ctx);

// The PIN dialog, the systemd user manager, the STS and each hub (doctor_session.cpp).
void checkLoginPrerequisites(const Context& ctx, std::vector<Check>& out);

// A connected AF_UNIX stream socket to `path`, or -1 (doctor_cards.cpp).
int connectUnixSocket(const std::string& path);

// pcscd, the readers PC/SC sees and the eID middleware among `modules` (doctor_cards.cpp).
void checkCardStack(const std::vector<std::string>& modules, std::vector<Check>& out);

std::vector<Check> runDoctor(const Context& ctx, const std::vector<std::string>& extraModules);

}  // namespace ehagent::installer
