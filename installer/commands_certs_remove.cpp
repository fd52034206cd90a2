#include <unistd.h>

#include <iostream>

#include "installer/certificate_removal.hpp"
#include "installer/commands.hpp"
#include "installer/keystore_import.hpp"

namespace ehagent::installer {
namespace {

struct RemoveArgs {
  std::string selector;
  std::vector<std::string> modules;
  std::string token;
  std::filesystem::path pinFile;
  bool yes = false;
};

// y/N on the terminal. Without a terminal nobody can answer, so only --yes goes on: a script
// must say explicitly that it means to delete a key.
void confirmOrRefuse(const std::string& question, bool yes) {
  if (yes) return;
  if (::isatty(STDIN_FILENO) == 0) {
    throw CommandFailed("remove refused (not_confirmed): stdin is not a terminal, so nobody can confirm; "
                        "add --yes to remove without asking");
  }
  std::cout << question << " [y/N] " << std::flush;
  std::string answer;
  std::getline(std::cin, answer);
  if (answer != "y" && answer != "Y" && answer != "yes" && answer != "YES") {
    throw CommandFailed("remove refused (not_confirmed): nothing was removed");
  }
}

void runRemove(Context& ctx, const RemoveArgs& args) {
  ctx.load();
  const std::vector<std::string> modules =
      args.modules.empty() ? std::vector<std::string>{default_keystore_module} : args.modules;
  const std::optional<std::string> token = args.token.empty() ? std::nullopt : std::optional(args.token);
  try {
    const RemovalPlan plan = planRemoval(modules, args.selector, token);
    std::cout << "certificate " << plan.certificate.subject() << "\n  token \"" << plan.tokenLabel << "\" / "
              << plan.objectLabel << ", serial " << plan.certificate.serialHex() << "\n  with its key";
    for (const auto& ca : plan.chainToRemove) std::cout << "\n  and the CA certificate " << ca.subject();
    std::cout << "\n";
    confirmOrRefuse("Remove it from the token?", args.yes);
    const Secret pin = secretFrom(ctx, args.pinFile, "eHealth token",
                                  "PIN of the token \"" + plan.tokenLabel + "\", to remove the eHealth key", "PIN:");
    const RemovalResult result = removeCertificate(plan, pin);
    std::cout << "removed the certificate, " << result.keysRemoved << " key object(s) and "
              << result.caCertificatesRemoved << " CA certificate(s) from \"" << plan.tokenLabel
              << "\"\n  the token itself stays; softhsm2-util --delete-token --token \"" << plan.tokenLabel
              << "\" deletes a SoftHSM token\n";
  } catch (const RemoveError& e) {
    throw CommandFailed(std::string("remove refused (") + e.code() + "): " + e.what());
  }
}

}  // namespace

void addCertsRemoveCommand(CLI::App& certsCmd, Context& ctx) {
  static RemoveArgs args;
  auto* remove = certsCmd.add_subcommand(
      "remove", "Remove one imported eHealth certificate, its key and its unshared chain from a token");
  remove->add_option("CERT", args.selector,
                     "the certificate: its object label, serial number or SHA-256 fingerprint, as certs list shows")
      ->required();
  remove->add_option("--module", args.modules, "PKCS#11 module(s) to search")
      ->default_str(default_keystore_module);
  remove->add_option("--token", args.token, "only this token: its label or a PKCS#11 URI (pkcs11:token=...)");
  remove->add_option("--pin-file", args.pinFile, "file holding the token's user PIN (default: ask through pinentry)")
      ->check(CLI::ExistingFile);
  remove->add_flag("--yes,-y", args.yes, "do not ask for confirmation (required when stdin is not a terminal)");
  remove->callback([&ctx] { runRemove(ctx, args); });
}

}  // namespace ehagent::installer
