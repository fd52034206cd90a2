#include <iostream>

#include "agent/config/token_store.hpp"
#include "certs/error.hpp"
#include "certs/expiry.hpp"
#include "certs/profile.hpp"
#include "certs/revocation.hpp"
#include "installer/certificate_checks.hpp"
#include "installer/commands.hpp"
#include "installer/keystore_import.hpp"
#include "installer/token_certificates.hpp"

namespace ehagent::installer {
namespace {

struct ImportArgs {
  std::filesystem::path keystore, passwordFile, pinFile, soPinFile;
  std::string module = default_keystore_module;
  std::string token;
};

struct ListArgs {
  std::vector<std::string> modules;
  std::string policy;  // empty: [revocation] policy in agent.toml
};

void runImport(Context& ctx, const ImportArgs& args) {
  ctx.load();
  ImportRequest request;
  request.keystore = args.keystore;
  request.modulePath = args.module;
  if (!args.token.empty()) request.tokenLabel = args.token;
  request.trust = ctx.trustStore();
  for (const auto& p : request.trust.problems()) std::cerr << "warning: trust store skipped " << p << "\n";

  try {
    // The keystore is checked before the token PIN is asked for: a wrong password or an untrusted
    // certificate ends here, with no token created and nothing written.
    const CheckedKeystore keystore = [&] {
      const Secret password = secretFrom(ctx, args.passwordFile, "eHealth keystore",
                                         "Password of " + args.keystore.filename().string(), "Password:");
      return checkKeystore(request, password);
    }();
    const Secret pin = secretFrom(ctx, args.pinFile, "eHealth token",
                                  "PIN of the token that will hold the eHealth key", "PIN:");
    std::optional<Secret> soPin;
    if (!args.soPinFile.empty()) {
      soPin = readSecretFile(args.soPinFile);
    } else if (args.token.empty()) {
      // A token created for the purpose: the SO PIN is needed only to set it up, so the user PIN
      // serves as both unless IT staff give one.
      soPin = Secret(pin.view());
    }
    // Into SoftHSM, the user's own store (made now when it is missing), never root's system store.
    std::filesystem::path store;
    if (request.modulePath.find("softhsm") != std::string::npos) store = agent::selectUserTokenStore(true);
    const auto result = writeKeystore(request, keystore, pin, soPin ? &*soPin : nullptr);
    std::cout << "imported " << result.certificate.subject() << "\n  into token \"" << result.tokenLabel
              << "\"" << (result.tokenCreated ? " (created)" : "") << " with "
              << result.chainCertificates << " CA certificate(s)\n  expiry: " << result.expiryState << "\n";
    if (!store.empty()) std::cout << "  token store: " << store.string() << "\n";
  } catch (const ImportError& e) {
    throw CommandFailed(std::string("import refused (") + e.code() + "): " + e.what());
  }
}

void printHolder(const certs::Certificate& c) {
  const auto eh = certs::readEhealthProfile(c);
  const auto eid = certs::readEidProfile(c);
  if (eh.ssin && (eh.nihii || eh.profession)) {
    std::cout << "  eHealth holder SSIN " << *eh.ssin << ", NIHII " << eh.nihii.value_or("-") << ", "
              << eh.profession.value_or("no profession") << "\n";
    for (const auto& w : eh.warnings) {
      std::cout << "  warning: " << w << " (the NIHII does not pass the modulo-97 check; newer numbers use "
                << "another rule, so it is shown as read)\n";
    }
  } else if (eid.ssin) {
    std::cout << "  eID " << certs::toString(eid.role) << ": " << eid.givenName.value_or("?") << " "
              << eid.surname.value_or("?") << ", SSIN " << *eid.ssin << "\n";
  }
}

void runList(Context& ctx, const ListArgs& args) {
  ctx.load();
  const auto trust = ctx.trustStore();
  certs::RevocationChecker checker(ctx.revocation(args.policy), trust);
  const auto now = std::chrono::system_clock::now();
  const auto modules = args.modules.empty() ? ctx.modules() : args.modules;
  std::size_t shown = 0;
  for (const auto& found : listTokenCertificates(modules)) {
    const auto& c = found.certificate;
    if (c.isCa()) continue;
    ++shown;
    std::cout << found.tokenLabel << " / " << found.objectLabel << "\n  " << c.subject() << "\n  serial "
              << c.serialHex() << ", sha256 " << certs::toHex(c.sha256Fingerprint(), ":") << "\n";
    printHolder(c);
    const auto expiry = certs::expiryAt(c, now);
    std::cout << "  expiry: " << certs::toString(expiry.state) << " (" << expiry.daysLeft.count()
              << " days left)\n";
    const auto verdict = judgeCertificate(found, trust, checker, now);
    std::cout << "  trust: " << verdict.trust << "\n  revocation: " << verdict.revocation << "\n";
    if (!verdict.hint.empty()) std::cout << "  fix: " << verdict.hint << "\n";
  }
  if (shown == 0) std::cout << "no certificates found on any token\n";
}

}  // namespace

void addCertsCommands(CLI::App& app, Context& ctx) {
  auto* certsCmd = app.add_subcommand("certs", "Import, list and remove eHealth certificates");
  certsCmd->require_subcommand(1);

  static ImportArgs importArgs;
  auto* import = certsCmd->add_subcommand("import", "Import an eHealth .p12 keystore into a PKCS#11 token");
  import->add_option("FILE", importArgs.keystore, "the .p12 keystore")->required()->check(CLI::ExistingFile);
  import->add_option("--module", importArgs.module, "PKCS#11 module: a path or a URI such as pkcs11:?module-name=softhsm2")
      ->capture_default_str();
  import->add_option("--token", importArgs.token,
                     "an existing token: its label or a PKCS#11 URI (pkcs11:token=...) "
                     "(default: \"eHealth <SSIN>\", created when absent)");
  import->add_option("--password-file", importArgs.passwordFile, "file holding the .p12 password")
      ->check(CLI::ExistingFile);
  import->add_option("--pin-file", importArgs.pinFile, "file holding the token's user PIN")
      ->check(CLI::ExistingFile);
  import->add_option("--so-pin-file", importArgs.soPinFile,
                     "file holding the security officer PIN for a token created here")
      ->check(CLI::ExistingFile);
  import->callback([&ctx] { runImport(ctx, importArgs); });

  static ListArgs listArgs;
  auto* list = certsCmd->add_subcommand("list", "List the eID and eHealth certificates on every token");
  list->add_option("--module", listArgs.modules, "PKCS#11 module(s) (default: configured or found)");
  list->add_option("--revocation", listArgs.policy,
                   "strict, soft-fail or off (default: the [revocation] policy of agent.toml, else soft-fail)")
      ->check(CLI::IsMember({"strict", "soft-fail", "off"}));
  list->callback([&ctx] { runList(ctx, listArgs); });

  addCertsRemoveCommand(*certsCmd, ctx);
}

}  // namespace ehagent::installer
