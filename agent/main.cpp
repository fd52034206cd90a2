// `ehagent`: the agent daemon and its administration commands.
#include <CLI/CLI.hpp>

#include <iostream>

#include "agent/cli/cli.hpp"
#include "agent/config/trust.hpp"

#include "agent/session/cards.hpp"

using namespace ehagent::agent;

int main(int argc, char** argv) {
  CLI::App app{"ehagent: the local eHealth agent for Belgian practitioners"};
  app.set_version_flag("--version", std::string("ehagent ") + EHAGENT_VERSION);
  app.require_subcommand(1);
  CommonOptions common;
  std::string config_file;
  std::string state_dir;
  std::string bundled_trust;
  // Global options, accepted before or after the subcommand (fallthrough is inherited by the
  // subcommands created below): `ehagent --config F serve` and `ehagent serve --config F`.
  app.fallthrough();
  app.add_option("--config", config_file, "Config file (default $XDG_CONFIG_HOME/ehagent/agent.toml)");
  app.add_option("--state-dir", state_dir, "State directory (default $XDG_STATE_HOME/ehagent)");
  app.add_option("--bundled-trust", bundled_trust,
                 std::string("Directory of bundled CA certificates (default ") + default_bundled_trust_dir + ")");
  const auto common_options = [&] {
    if (!config_file.empty()) common.config_file = config_file;
    if (!state_dir.empty()) common.state_dir = state_dir;
    if (!bundled_trust.empty()) common.bundled_trust = bundled_trust;
    return common;
  };

  auto* serve = app.add_subcommand("serve", "Run the agent");
  ServeOptions serve_options;
  std::string listen;
  std::string socket;
  serve->add_option("--listen", listen, "Loopback address:port (default 127.0.0.1:17443)");
  serve->add_option("--socket", socket, "Unix socket path (default $XDG_RUNTIME_DIR/ehagent/api.sock)");
  serve->add_flag("--no-socket", serve_options.no_socket, "Do not listen on a Unix socket");
  serve->add_flag("--check-config", serve_options.check_config, "Validate the config and exit");

  auto* cards = app.add_subcommand("cards", "List readers, tokens and eID holders");
  std::vector<std::string> modules;
  bool cards_json = false;
  cards->add_option("--module", modules, "PKCS#11 module (repeatable; default: the config's)");
  cards->add_flag("--json", cards_json, "JSON output");

  auto* clients = app.add_subcommand("clients", "Manage client application keys");
  clients->require_subcommand(1);
  std::string client_name;
  bool clients_json = false;
  auto* clients_add = clients->add_subcommand("add", "Issue a key for a client (printed once)");
  clients_add->add_option("name", client_name, "Client name")->required();
  auto* clients_list = clients->add_subcommand("list", "List clients");
  clients_list->add_flag("--json", clients_json, "JSON output");
  auto* clients_remove = clients->add_subcommand("remove", "Revoke a client's key");
  clients_remove->add_option("name", client_name, "Client name")->required();

  auto* audit = app.add_subcommand("audit", "Read and check the audit log");
  audit->require_subcommand(1);
  std::string since;
  std::string operation;
  std::string patient;
  bool audit_json = false;
  auto* audit_list = audit->add_subcommand("list", "Print audit rows");
  audit_list->add_option("--since", since, "ISO 8601 UTC time");
  audit_list->add_option("--operation", operation, "Operation name");
  audit_list->add_option("--patient", patient, "Patient SSIN");
  audit_list->add_flag("--json", audit_json, "JSON output");
  auto* audit_verify = audit->add_subcommand("verify", "Check the hash chain");

  app.add_subcommand("version", "Print the version");

  CLI11_PARSE(app, argc, argv);

  if (serve->parsed()) {
    if (!listen.empty()) serve_options.listen = listen;
    if (!socket.empty()) serve_options.socket = socket;
    return runServe(common_options(), serve_options, std::cout, std::cerr);
  }
  if (cards->parsed()) {
    try {
      if (modules.empty()) modules = loadEffectiveConfig(common_options()).modules;
    } catch (const std::exception& e) {
      std::cerr << "ehagent: " << e.what() << "\n";
      return 2;
    }
    return runCardsCommand(modules, cards_json, std::cout, std::cerr);
  }
  if (clients_add->parsed()) return runClientsAdd(common_options(), client_name, std::cout, std::cerr);
  if (clients_list->parsed()) return runClientsList(common_options(), clients_json, std::cout, std::cerr);
  if (clients_remove->parsed()) return runClientsRemove(common_options(), client_name, std::cout, std::cerr);
  if (audit_list->parsed()) {
    return runAuditList(common_options(), since, operation, patient, audit_json, std::cout, std::cerr);
  }
  if (audit_verify->parsed()) return runAuditVerify(common_options(), std::cout, std::cerr);
  std::cout << "ehagent " << EHAGENT_VERSION << "\n";
  return 0;
}
