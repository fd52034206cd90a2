// ehagent-sandbox: the local stand-in for the eHealth acceptance environment. One subcommand per
// job; this file only dispatches.
#include <CLI/CLI.hpp>

#include <iostream>

#include "sandbox/serve.hpp"
#include "sandbox/specimen.hpp"

int main(int argc, char** argv) {
  CLI::App app{"ehagent sandbox: specimen cards and local eHealth stand-ins (never for production)"};
  app.set_version_flag("--version", std::string("ehagent-sandbox ") + EHAGENT_VERSION);
  app.require_subcommand(1);

  ehagent::sandbox::SpecimenOptions specimen;
  auto* specimenCommand =
      app.add_subcommand("specimen", "write the specimen PKI and SoftHSM2 eID/eHealth tokens into a directory");
  specimenCommand->add_option("--out", specimen.out, "output directory (created; regenerated when it exists)")
      ->required();
  specimenCommand->add_option("--module", specimen.softhsmModule, "SoftHSM2 PKCS#11 module")
      ->capture_default_str();

  ehagent::sandbox::ServeOptions serve;
  auto* serveCommand = app.add_subcommand("serve", "serve the sandbox STS and hub on loopback HTTPS");
  serveCommand->add_option("--specimen", serve.specimen, "specimen directory (certificates)")->required();
  serveCommand->add_option("--listen", serve.listen, "loopback HOST:PORT; port 0 picks one")->capture_default_str();
  serveCommand->add_option("--control", serve.control, "STS misbehaviour control file (JSON)");
  serveCommand->add_option("--hub-control", serve.hub_control, "hub misbehaviour control file");
  serveCommand->add_option("--hub-fail-percent", serve.hub_fail_percent, "this share of hub calls gets a SOAP fault")
      ->check(CLI::Range(0, 100))
      ->capture_default_str();
  serveCommand->add_option("--practitioners", serve.practitioners, "practitioner table (JSON)");

  CLI11_PARSE(app, argc, argv);

  if (*specimenCommand) return ehagent::sandbox::runSpecimenCommand(specimen, std::cout, std::cerr);
  if (*serveCommand) return ehagent::sandbox::runServeCommand(serve, std::cout, std::cerr);
  return 2;
}
