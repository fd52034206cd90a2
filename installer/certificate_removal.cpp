#include "installer/certificate_removal.hpp"

#include <algorithm>
#include <cctype>

#include "pkcs11/eid.hpp"
#include "pkcs11/error.hpp"
#include "pkcs11/module.hpp"
#include "pkcs11/session.hpp"
#include "pkcs11/uri.hpp"

namespace ehagent::installer {
namespace {

constexpr unsigned long cka_label = 0x03;  // CKA_LABEL, kept here to keep pkcs11.h out
constexpr unsigned long cka_value = 0x11;  // CKA_VALUE
constexpr unsigned long cka_id = 0x102;    // CKA_ID
constexpr int max_chain_length = 10;

struct Found {
  std::string label;
  certs::Certificate certificate;
  pkcs11::Bytes id;
};

struct Candidate {
  std::shared_ptr<pkcs11::Module> module;
  pkcs11::SlotId slot = 0;
  std::string tokenLabel;
  pkcs11::TokenKind kind = pkcs11::TokenKind::Other;
  Found found;
  std::vector<Found> onToken;  // every certificate on the same token
};

// Lower-case hex without separators, or empty when the text is not hex.
std::string normalizedHex(const std::string& text) {
  std::string out;
  for (const char c : text) {
    if (c == ':' || c == ' ') continue;
    if (!std::isxdigit(static_cast<unsigned char>(c))) return {};
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

std::string withoutLeadingZeros(std::string hex) {
  const auto first = hex.find_first_not_of('0');
  return first == std::string::npos ? "0" : hex.substr(first);
}

bool matches(const std::string& selector, const Found& f) {
  if (f.label == selector) return true;
  const std::string hex = normalizedHex(selector);
  if (hex.empty()) return false;
  if (hex == certs::toHex(f.certificate.sha256Fingerprint())) return true;
  return withoutLeadingZeros(hex) == withoutLeadingZeros(normalizedHex(f.certificate.serialHex()));
}

std::vector<Found> readCertificates(const pkcs11::Session& session) {
  std::vector<Found> out;
  for (const auto handle : session.find(pkcs11::ObjectClass::Certificate)) {
    const auto der = session.attribute(handle, cka_value);
    if (!der) continue;
    try {
      out.push_back({session.textAttribute(handle, cka_label).value_or(""), certs::Certificate::fromDer(*der),
                     session.attribute(handle, cka_id).value_or(pkcs11::Bytes{})});
    } catch (const std::exception&) {
      continue;  // not a certificate we can read, so not one a selector can name
    }
  }
  return out;
}

// The CA certificates on the token above leaf, issuer by issuer.
std::vector<certs::Certificate> chainOnToken(const certs::Certificate& leaf, const std::vector<Found>& onToken) {
  std::vector<certs::Certificate> chain;
  certs::Certificate current = leaf;
  for (int depth = 0; depth < max_chain_length && !current.isSelfIssued(); ++depth) {
    const auto issuer = std::find_if(onToken.begin(), onToken.end(), [&](const Found& f) {
      return f.certificate.isCa() && f.certificate.subjectDer() == current.issuerDer() &&
             std::find(chain.begin(), chain.end(), f.certificate) == chain.end();
    });
    if (issuer == onToken.end()) break;
    chain.push_back(issuer->certificate);
    current = issuer->certificate;
  }
  return chain;
}

std::vector<certs::Certificate> unsharedChain(const Candidate& c) {
  std::vector<certs::Certificate> needed;
  for (const auto& other : c.onToken) {
    if (other.certificate.isCa() || other.certificate == c.found.certificate) continue;
    for (auto& ca : chainOnToken(other.certificate, c.onToken)) needed.push_back(std::move(ca));
  }
  std::vector<certs::Certificate> out;
  for (auto& ca : chainOnToken(c.found.certificate, c.onToken)) {
    if (std::find(needed.begin(), needed.end(), ca) == needed.end()) out.push_back(std::move(ca));
  }
  return out;
}

std::string describe(const Candidate& c) {
  return "\"" + c.tokenLabel + "\" / " + c.found.label + " (serial " + c.found.certificate.serialHex() + ")";
}

void collect(const std::string& path, const std::string& selector, const std::optional<std::string>& tokenLabel,
             std::vector<Candidate>& out, bool& tokenSeen) {
  auto module = pkcs11::Module::load(path);
  for (const auto& slot : module->slots(true)) {
    const auto info = module->tokenInfo(slot.id);
    if (!info.tokenInitialized || (tokenLabel && !pkcs11::tokenSelected(*tokenLabel, info))) continue;
    tokenSeen = true;
    const pkcs11::Session session(module, slot.id);
    const auto kind = pkcs11::readTokenProfile(session).kind;
    const auto onToken = readCertificates(session);
    for (const auto& f : onToken) {
      if (!f.certificate.isCa() && matches(selector, f)) {
        out.push_back({module, slot.id, info.label, kind, f, onToken});
      }
    }
  }
}

std::size_t destroyAll(pkcs11::Session& session, const std::vector<pkcs11::ObjectHandle>& handles) {
  for (const auto h : handles) session.destroy(h);
  return handles.size();
}

std::vector<pkcs11::ObjectHandle> certificateObjects(const pkcs11::Session& session, const certs::Certificate& cert) {
  std::vector<pkcs11::ObjectHandle> out;
  for (const auto h : session.find(pkcs11::ObjectClass::Certificate)) {
    if (session.attribute(h, cka_value) == cert.der()) out.push_back(h);
  }
  return out;
}

}  // namespace

RemovalPlan planRemoval(const std::vector<std::string>& modules, const std::string& selector,
                        const std::optional<std::string>& tokenLabel) {
  std::vector<Candidate> candidates;
  std::vector<std::string> unreadable;
  bool tokenSeen = false;
  for (const auto& path : modules) {
    try {
      collect(path, selector, tokenLabel, candidates, tokenSeen);
    } catch (const pkcs11::Error& e) {
      unreadable.push_back(e.what());  // another module may hold it; named below if none does
    }
  }
  if (candidates.empty()) {
    if (modules.size() == 1 && !unreadable.empty()) throw RemoveError("module_load", unreadable.front());
    std::string message = tokenLabel && !tokenSeen
                              ? "no token labelled \"" + *tokenLabel + "\""
                              : "no certificate matches \"" + selector + "\" (an object label, a serial number or a "
                                "SHA-256 fingerprint, as ehagent-install certs list shows them)";
    for (const auto& u : unreadable) message += "; " + u;
    throw RemoveError("certificate_not_found", message);
  }
  if (candidates.size() > 1) {
    std::string message = "\"" + selector + "\" matches " + std::to_string(candidates.size()) +
                          " certificates; name one by serial number or fingerprint, or add --token:";
    for (const auto& c : candidates) message += "\n  " + describe(c);
    throw RemoveError("ambiguous_selector", message);
  }
  const Candidate& c = candidates.front();
  if (c.kind == pkcs11::TokenKind::EidRsa || c.kind == pkcs11::TokenKind::EidEc) {
    throw RemoveError("eid_card", describe(c) + " is on an eID card; ehagent-install never removes anything from an eID");
  }
  if (c.found.id.empty()) {
    throw RemoveError("key_unidentified", describe(c) + " has no CKA_ID, so its key cannot be told apart; "
                                          "remove it with pkcs11-tool --delete-object");
  }
  return {c.module, c.slot, c.tokenLabel, c.found.label, c.found.certificate, c.found.id, unsharedChain(c)};
}

RemovalResult removeCertificate(const RemovalPlan& plan, const Secret& userPin) {
  try {
    pkcs11::Session session(plan.module, plan.slot, true);
    session.login(userPin);
    const auto certificate = certificateObjects(session, plan.certificate);
    if (certificate.empty()) {
      throw RemoveError("certificate_not_found", "the certificate is no longer on the token \"" + plan.tokenLabel + "\"");
    }
    RemovalResult result;
    // Keys first: should a later step fail, what remains is a certificate without a key, which
    // nothing can sign with, rather than a key nobody can identify.
    result.keysRemoved += destroyAll(session, session.find(pkcs11::ObjectClass::PrivateKey, std::nullopt, plan.keyId));
    result.keysRemoved += destroyAll(session, session.find(pkcs11::ObjectClass::PublicKey, std::nullopt, plan.keyId));
    destroyAll(session, certificate);
    for (const auto& ca : plan.chainToRemove) {
      result.caCertificatesRemoved += destroyAll(session, certificateObjects(session, ca));
    }
    session.logout();
    return result;
  } catch (const pkcs11::Error& e) {
    if (e.kind() == pkcs11::ErrorKind::PinIncorrect) throw RemoveError("pin_incorrect", e.what());
    throw RemoveError("token_error", e.what());
  }
}

}  // namespace ehagent::installer
