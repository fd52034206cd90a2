#include "agent/session/cards.hpp"

#include "agent/session/card_signers.hpp"
#include "agent/store/json_text.hpp"

#include <chrono>
#include <ostream>

#include "certs/certificate.hpp"
#include "certs/expiry.hpp"
#include "pkcs11/eid.hpp"
#include "pkcs11/error.hpp"
#include "pkcs11/module.hpp"
#include "pkcs11/module_list.hpp"
#include "pkcs11/session.hpp"
#include "pkcs11/uri.hpp"

namespace ehagent::agent {
namespace {

using nlohmann::json;

json describeCertificate(const pkcs11::TokenInfo& token, const pkcs11::TokenCertificate& tokenCert) {
  json entry{{"label", tokenCert.label}, {"uri", pkcs11::objectUri(token, tokenCert.label, tokenCert.id, "cert")}};
  try {
    const auto cert = certs::Certificate::fromDer(tokenCert.der);
    const auto expiry = certs::expiryAt(cert, std::chrono::system_clock::now());
    entry["subject"] = cert.subject();
    entry["issuer"] = cert.issuer();
    entry["serial"] = cert.serialHex();
    entry["not_before"] = certs::isoDateTime(cert.notBefore());
    entry["not_after"] = certs::isoDateTime(cert.notAfter());
    entry["key_algorithm"] = cert.keyAlgorithm();
    entry["expiry"] = certs::toString(expiry.state);
    entry["days_left"] = expiry.daysLeft.count();
  } catch (const std::exception& e) {
    entry["error"] = std::string("unreadable certificate: ") + e.what();
  }
  return entry;
}

json describeToken(const std::shared_ptr<pkcs11::Module>& module, pkcs11::SlotId slot) {
  const auto info = module->tokenInfo(slot);
  json token{{"label", info.label},
             {"uri", pkcs11::tokenUri(info)},
             {"manufacturer", info.manufacturer},
             {"model", info.model},
             {"serial", info.serialNumber},
             {"pin",
              {{"tries_left", info.pin.triesLeft},
               {"final_try", info.pin.finalTry},
               {"locked", info.pin.locked},
               {"protected_authentication_path", info.protectedAuthenticationPath}}}};
  // A blank token (SoftHSM's free slot, a card not yet personalised) refuses sessions with
  // CKR_TOKEN_NOT_RECOGNIZED; it is listed, not reported as a failure.
  if (!info.tokenInitialized) {
    token["kind"] = "uninitialized";
    return token;
  }
  pkcs11::Session session(module, slot);  // read-only, never logged in
  auto profile = pkcs11::readTokenProfile(session);
  holderFromCertificate(profile);
  token["kind"] = std::string(pkcs11::toString(profile.kind));
  if (profile.holder) {
    const auto& h = *profile.holder;
    token["holder"] = {{"name", h.firstNames + " " + h.surname},
                       {"surname", h.surname},
                       {"first_names", h.firstNames},
                       {"ssin", h.ssin},
                       {"card_number", h.cardNumber},
                       {"valid_from", h.validityBegin},
                       {"valid_until", h.validityEnd}};
  }
  json keys = json::array();
  for (const auto& key : profile.keys) {
    keys.push_back({{"label", key.label},
                    {"uri", pkcs11::objectUri(info, key.label, key.id, "private")},
                    {"algorithm", key.algorithm},
                    {"always_authenticate", key.alwaysAuthenticate}});
  }
  token["keys"] = keys;
  json certificates = json::array();
  for (const auto& cert : profile.certificates) certificates.push_back(describeCertificate(info, cert));
  token["certificates"] = certificates;
  return token;
}

json describeModule(const std::string& path) {
  json entry{{"path", path}};
  std::shared_ptr<pkcs11::Module> module;
  try {
    module = pkcs11::Module::load(path);
    entry["library"] = module->info().libraryDescription;
  } catch (const std::exception& e) {
    entry["error"] = e.what();
    return entry;
  }
  json slots = json::array();
  try {
    for (const auto& slot : module->slots()) {
      json s{{"id", slot.id}, {"description", slot.description}, {"token_present", slot.tokenPresent}};
      if (slot.tokenPresent) {
        try {
          s["token"] = describeToken(module, slot.id);
        } catch (const pkcs11::Error& e) {
          s["error"] = e.what();  // a card pulled while being read, an unrecognised card
        }
      }
      slots.push_back(std::move(s));
    }
  } catch (const pkcs11::Error& e) {
    entry["error"] = e.what();
  }
  entry["slots"] = slots;
  return entry;
}

void printToken(const json& token, std::ostream& out) {
  out << "    token \"" << token["label"].get<std::string>() << "\" (" << token["kind"].get<std::string>() << ")\n"
      << "      " << token["uri"].get<std::string>() << "\n";
  if (token["kind"] == "uninitialized") return;
  if (token.contains("holder")) {
    const auto& h = token["holder"];
    out << "      holder: " << h["name"].get<std::string>() << ", SSIN " << h["ssin"].get<std::string>() << ", card "
        << h["card_number"].get<std::string>() << ", valid until " << h["valid_until"].get<std::string>() << "\n";
  }
  const auto& pin = token["pin"];
  out << "      PIN: ";
  if (pin["locked"].get<bool>()) {
    out << "locked";
  } else {
    out << pin["tries_left"].get<int>() << " tries left" << (pin["final_try"].get<bool>() ? " (final try)" : "");
  }
  if (pin["protected_authentication_path"].get<bool>()) out << ", entered on the reader";
  out << "\n";
  for (const auto& key : token["keys"]) {
    out << "      key " << key["label"].get<std::string>() << ": " << key["algorithm"].get<std::string>() << "\n"
        << "        " << key["uri"].get<std::string>() << "\n";
  }
  for (const auto& cert : token["certificates"]) {
    out << "      certificate " << cert["label"].get<std::string>() << ": ";
    if (cert.contains("error")) {
      out << cert["error"].get<std::string>() << "\n";
      continue;
    }
    out << cert["subject"].get<std::string>() << "; " << cert["key_algorithm"].get<std::string>() << "; expires "
        << cert["not_after"].get<std::string>() << " (" << cert["expiry"].get<std::string>() << ")\n";
  }
}

}  // namespace

json describeCards(const std::vector<std::string>& modules) {
  const auto paths = modules.empty() ? pkcs11::defaultModulePaths() : modules;
  json result = json::array();
  for (const auto& path : paths) result.push_back(describeModule(path));
  return result;
}

int runCardsCommand(const std::vector<std::string>& modules, bool json, std::ostream& out, std::ostream& err) {
  const auto cards = describeCards(modules);
  bool anyLoaded = false;
  for (const auto& module : cards) anyLoaded = anyLoaded || module.contains("slots");
  if (json) {
    out << jsonText(cards, 2) << "\n";
  } else {
    if (cards.empty()) err << "ehagent cards: no PKCS#11 module found (use --module PATH)\n";
    for (const auto& module : cards) {
      if (!module.contains("slots")) {
        err << "module " << module["path"].get<std::string>() << ": " << module["error"].get<std::string>() << "\n";
        continue;
      }
      out << "module " << module["path"].get<std::string>() << " (" << module["library"].get<std::string>() << ")\n";
      for (const auto& slot : module["slots"]) {
        out << "  slot " << slot["id"].get<unsigned long>() << ": " << slot["description"].get<std::string>();
        out << (slot["token_present"].get<bool>() ? "" : " (no card)") << "\n";
        if (slot.contains("token")) printToken(slot["token"], out);
        if (slot.contains("error")) out << "    " << slot["error"].get<std::string>() << "\n";
      }
    }
  }
  return anyLoaded ? 0 : 1;
}

}  // namespace ehagent::agent
