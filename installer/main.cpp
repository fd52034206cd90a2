// ehagent-install: the IT staff's tool (trust anchors, keystores, clients, the user service, doctor).
#include <iostream>

#include <nlohmann/json.hpp>

#include "agent/store/json_text.hpp"
#include "agent/config/token_store.hpp"
#include "agent/pin/pinentry.hpp"
#include "installer/commands.hpp"
#include "installer/doctor.hpp"

namespace ehagent::installer {

void addDoctorCommand(CLI::App& app, Context& ctx) {
  auto* doctor = app.add_subcommand("doctor", "Check modules, pcscd, tokens, certificates, the agent and the state dir");
  static bool json = false;
  static std::vector<std::string> modules;
  doctor->add_flag("--json", json, "print the checks as JSON");
  doctor->add_option("--module", modules, "also check these PKCS#11 modules");
  doctor->callback([&ctx] {
    // A config the agent would refuse is the first thing to report, not a reason to check nothing.
    const Check config = loadConfigForDoctor(ctx);
    auto checks = runDoctor(ctx, modules);
    checks.insert(checks.begin(), config);
    const bool failed = std::any_of(checks.begin(), checks.end(), [](const Check& c) { return c.state == "fail"; });
    if (json) {
      nlohmann::json out = nlohmann::json::array();
      for (const auto& c : checks) out.push_back({{"name", c.name}, {"state", c.state}, {"detail", c.detail}, {"hint", c.hint}});
      std::cout << agent::jsonText(nlohmann::json{{"checks", out}, {"ok", !failed}}, 2) << "\n";
    } else {
      for (const auto& c : checks) {
        std::cout << "[" << c.state << "] " << c.name << ": " << c.detail << "\n";
        if (!c.hint.empty()) std::cout << "       fix: " << c.hint << "\n";
      }
    }
    if (failed) throw CommandFailed("", 1);
  });
}

}  // namespace ehagent::installer

int main(int argc, char** argv) {
  using namespace ehagent::installer;
  CLI::App app{"ehagent-install: set up ehagent (trust anchors, eHealth keystore, clients, service, checks)"};
  app.set_version_flag("--version", std::string("ehagent-install ") + EHAGENT_VERSION);
  app.fallthrough();
  app.require_subcommand(1);
  Context ctx;
  app.add_option("--config", ctx.configFile, "agent.toml (default: $XDG_CONFIG_HOME/ehagent/agent.toml)");
  app.add_option("--state-dir", ctx.stateDir, "state directory (default: $XDG_STATE_HOME/ehagent)");
  app.add_option("--bundled-trust", ctx.bundledTrust, "directory of bundled CA certificates")->capture_default_str();
  addTrustCommands(app, ctx);
  addCertsCommands(app, ctx);
  addClientsCommands(app, ctx);
  addServiceCommands(app, ctx);
  addDoctorCommand(app, ctx);
  try {
    // Every command that opens SoftHSM sees the user's own token store (certs import makes it).
    ehagent::agent::selectUserTokenStore(false);
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const CommandFailed& e) {
    if (e.what()[0] != '\0') std::cerr << "ehagent-install: " << e.what() << "\n";
    return e.exit_code;
  } catch (const ehagent::agent::PinentryCancelled&) {
    std::cerr << "ehagent-install: cancelled (pinentry_cancelled): nothing was changed\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "ehagent-install: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
