// The doctor's checks of what a login needs beyond the cards: the PIN dialog, the systemd user
// manager that starts the agent, and the STS and hubs it talks to.
// Each one only looks: nothing is created, started or installed.
#include <filesystem>
#include <sstream>

#include "agent/config/paths.hpp"
#include "agent/pin/pinentry_choice.hpp"
#include "core/error.hpp"
#include "installer/doctor.hpp"
#include "installer/service_unit.hpp"
#include "pkcs11/module_list.hpp"
#include "tokens/net/https_client.hpp"

namespace ehagent::installer {
namespace {

void checkPinDialog(const Context& ctx, std::vector<Check>& out) {
  agent::PinentryOptions options;
  options.program = ctx.config.pinentry;
  try {
    const agent::PinentryOptions chosen = agent::choosePinentry(options);
    const bool automatic = ctx.config.pinentry == "auto";
    out.push_back({"pin_dialog", "ok",
                   chosen.program + (automatic ? " (chosen for this session)" : " (configured)"), ""});
  } catch (const agent::PinentryUnavailable& e) {
    out.push_back({"pin_dialog", "fail", e.what(), "install a graphical pinentry, or use a reader with a pinpad"});
  }
}

// The agent runs as a user service: without the desktop's DISPLAY in the user manager its PIN
// dialog cannot show, however well the doctor's own terminal can.
void checkUserManager(std::vector<Check>& out) {
  std::string why;
  if (!userManagerReachable(why)) {
    out.push_back({"user_manager", "warn", "no systemd user manager answers: " + why,
                   "log in to a desktop session, or run ehagent serve yourself"});
    return;
  }
  std::istringstream environment(systemctlUser({"show-environment"}).output);
  bool display = false;
  for (std::string line; std::getline(environment, line);) {
    display = display || line.starts_with("DISPLAY=") || line.starts_with("WAYLAND_DISPLAY=");
  }
  if (display) {
    out.push_back({"user_manager", "ok", "the systemd user manager has the session's display", ""});
  } else {
    out.push_back({"user_manager", "warn", "the systemd user manager has no DISPLAY or WAYLAND_DISPLAY: "
                                           "the agent it starts cannot show a PIN dialog",
                   "systemctl --user import-environment DISPLAY WAYLAND_DISPLAY, then "
                   "systemctl --user restart ehagent"});
  }
}

// One request, no retry, short timeouts: any HTTP answer over a verified TLS connection means the
// service answers; what it says to an empty request does not matter here.
void checkService(const std::string& name, const std::string& url, tokens::HttpClientOptions http,
                  std::vector<Check>& out) {
  http.connect_attempts = 1;
  http.connect_timeout = std::chrono::seconds(5);
  http.read_timeout = std::chrono::seconds(10);
  try {
    const tokens::HttpResponse answer = tokens::HttpClient(http).post(url, "", {{"Content-Type", "text/xml"}});
    out.push_back({name, "ok", url + " answers (HTTP " + std::to_string(answer.status) + ")", ""});
  } catch (const std::exception& e) {
    out.push_back({name, "fail", url + ": " + e.what(),
                   "check the network, the proxy and the endpoint and trust in agent.toml"});
  }
}

}  // namespace

Check loadConfigForDoctor(Context& ctx) {
  try {
    ctx.load();
  } catch (const std::exception& e) {
    ctx.config = agent::Config{};
    if (ctx.stateDir.empty()) ctx.stateDir = agent::defaultStateDir();
    return {"config", "fail", e.what(),
            "fix " + ctx.configFile.string() + "; ehagent serve --check-config says when it is right"};
  }
  const bool present = std::filesystem::exists(ctx.configFile);
  return {"config", "ok", ctx.configFile.string() + (present ? "" : " does not exist: the defaults apply"), ""};
}

void checkLoginPrerequisites(const Context& ctx, std::vector<Check>& out) {
  checkPinDialog(ctx, out);
  checkUserManager(out);
  if (ctx.config.sts) checkService("sts", ctx.config.sts->client.endpoint, ctx.config.sts->client.http, out);
  for (const auto& [name, hub] : ctx.config.hubs) checkService("hub " + name, hub.url, hub.http, out);
}

}  // namespace ehagent::installer
