// ehagent-sandbox: the local stand-in for the eHealth acceptance environment. One subcommand per
// job; this file only dispatches.
#include <CLI/CLI.hpp>

#include <iostream>

#include "sandbox/specimen.hpp"

int main(int argc, char** argv) {
  CLI::App app{"ehagent sandbox: specimen cards and local eHealth stand-ins (never for production)"};
  app.require_subcommand(1);

  ehagent::sandbox::SpecimenOptions specimen;
  auto* specimenCommand =
      app.add_subcommand("specimen", "write the specimen PKI and SoftHSM2 eID/eHealth tokens into a directory");
  specimenCommand->add_option("--out", specimen.out, "output directory (created; regenerated when it exists)")
      ->required();
  specimenCommand->add_option("--module", specimen.softhsmModule, "SoftHSM2 PKCS#11 module")
      ->capture_default_str();

  CLI11_PARSE(app, argc, argv);

  if (*specimenCommand) return ehagent::sandbox::runSpecimenCommand(specimen, std::cout, std::cerr);
  return 2;
}
