#include <iostream>

#include "certs/error.hpp"
#include "certs/expiry.hpp"
#include "certs/profile.hpp"
#include "certs/revocation.hpp"
#include "installer/commands.hpp"
#include "installer/keystore_import.hpp"
#include "installer/token_certificates.hpp"

namespace ehagent::installer {
namespace {

struct ImportArgs {
  std::filesystem::path keystore, passwordFile, pinFile, soPinFile;
  std::string module = "/usr/lib/softhsm/libsofthsm2.so";
  std::string token;
};

struct ListArgs {
  std::vector<std::string> modules;
  std::string policy = "soft-fail";
};

Secret secretFrom(const Context& ctx, const std::filesystem::path& file, const std::string& title,
                  const std::string& description, const std::string& prompt) {
  if (!file.empty()) return readSecretFile(file);
  return askSecret(ctx, title, description, prompt);
}

void runImport(Context& ctx, const ImportArgs& args) {
  ctx.load();
  ImportRequest request;
  request.keystore = args.keystore;
  request.modulePath = args.module;
  if (!args.token.empty()) request.tokenLabel = args.token;
  request.trust = ctx.trustStore();
  for (const auto& p : request.trust.problems()) std::cerr << "warning: trust store skipped " << p << "\n";

  const Secret password = secretFrom(ctx, args.passwordFile, "eHealth keystore",
                                     "Password of " + args.keystore.filename().string(), "Password:");
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
  try {
    const auto result = importKeystore(request, password, pin, soPin ? &*soPin : nullptr);
    std::cout << "imported " << result.certificate.subject() << "\n  into token \"" << result.tokenLabel
              << "\"" << (result.tokenCreated ? " (created)" : "") << " with "
              << result.chainCertificates << " CA certificate(s)\n  expiry: " << result.expiryState << "\n";
  } catch (const ImportError& e) {
    throw CommandFailed(std::string("import refused (") + e.code() + "): " + e.what());
  }
}

void runList(Context& ctx, const ListArgs& args) {
  ctx.load();
  const auto trust = ctx.trustStore();
  certs::RevocationOptions revocation;
  revocation.policy = certs::parseRevocationPolicy(args.policy);
  revocation.timeout = std::chrono::seconds(3);
  certs::RevocationChecker checker(revocation, trust);
  const auto now = std::chrono::system_clock::now();
  const auto modules = args.modules.empty() ? ctx.modules() : args.modules;
  std::size_t shown = 0;
  for (const auto& found : listTokenCertificates(modules)) {
    const auto& c = found.certificate;
    if (c.isCa()) continue;
    ++shown;
    std::cout << found.tokenLabel << " / " << found.objectLabel << "\n  " << c.subject() << "\n";
    const auto eh = certs::readEhealthProfile(c);
    const auto eid = certs::readEidProfile(c);
    if (eh.ssin && (eh.nihii || eh.profession)) {
      std::cout << "  eHealth holder SSIN " << *eh.ssin << ", NIHII " << eh.nihii.value_or("-")
                << ", " << eh.profession.value_or("no profession") << "\n";
    } else if (eid.ssin) {
      std::cout << "  eID " << certs::toString(eid.role) << ": " << eid.givenName.value_or("?") << " "
                << eid.surname.value_or("?") << ", SSIN " << *eid.ssin << "\n";
    }
    const auto expiry = certs::expiryAt(c, now);
    std::cout << "  expiry: " << certs::toString(expiry.state) << " (" << expiry.daysLeft.count()
              << " days left)\n";
    std::string trustState = "trusted", revocationState = "not_checked";
    try {
      const auto chain = trust.verify(c, found.tokenCertificates, now);
      if (chain.size() > 1) {
        const auto r = checker.check(c, chain[1]);
        revocationState = certs::toString(r.status);
        if (!r.reason.empty()) revocationState += " (" + r.reason + ")";
      }
    } catch (const certs::Error& e) {
      trustState = e.code();
    }
    std::cout << "  trust: " << trustState << "\n  revocation: " << revocationState << "\n";
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
  import->add_option("--module", importArgs.module, "PKCS#11 module")->capture_default_str();
  import->add_option("--token", importArgs.token,
                     "label of an existing token (default: \"eHealth <SSIN>\", created when absent)");
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
  list->add_option("--revocation", listArgs.policy, "strict, soft-fail or off")->capture_default_str();
  list->callback([&ctx] { runList(ctx, listArgs); });
}

}  // namespace ehagent::installer
