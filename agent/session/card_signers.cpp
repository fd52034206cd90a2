#include "agent/session/card_signers.hpp"

#include "certs/profile.hpp"
#include "pkcs11/eid.hpp"
#include "pkcs11/error.hpp"
#include "pkcs11/session.hpp"

namespace ehagent::agent {
namespace {

const char* labelOf(CardKeyRole role) {
  switch (role) {
    case CardKeyRole::EidAuthentication: return "Authentication";
    case CardKeyRole::EidSignature: return "Signature";
    case CardKeyRole::Ehealth: return "authentication";
  }
  return "";
}

// The eID keys by their id as the token gives it (the module decides its encoding); the eHealth
// key by its alias only, as the import names it.
std::optional<pkcs11::Bytes> idOf(const pkcs11::TokenProfile& profile, CardKeyRole role) {
  if (role == CardKeyRole::Ehealth) return std::nullopt;
  for (const pkcs11::TokenKey& key : profile.keys) {
    if (key.label == labelOf(role)) return key.id;
  }
  return std::nullopt;
}

certs::Certificate certificateOf(const pkcs11::TokenProfile& profile, CardKeyRole role) {
  const pkcs11::TokenCertificate* cert = profile.certificate(labelOf(role));
  if (!cert) {
    pkcs11::fail(pkcs11::ErrorKind::KeyNotFound, "C_FindObjects",
                 std::string("no certificate labelled \"") + labelOf(role) + "\" on the token");
  }
  return certs::Certificate::fromDer(cert->der);
}

}  // namespace

void holderFromCertificate(pkcs11::TokenProfile& profile) {
  if (!profile.holder || !profile.holder->ssin.empty()) return;
  const pkcs11::TokenCertificate* cert = profile.certificate("Authentication");
  if (!cert) return;
  try {
    const certs::EidProfile subject = certs::readEidProfile(certs::Certificate::fromDer(cert->der));
    profile.holder->ssin = subject.ssin.value_or("");
    profile.holder->firstNames = subject.givenName.value_or("");
    profile.holder->surname = subject.surname.value_or("");
  } catch (const std::exception&) {
    // an unreadable certificate leaves the holder unknown; the card is listed without one
  }
}

certs::Certificate cardCertificate(const pkcs11::Session& session, CardKeyRole role) {
  return certificateOf(pkcs11::readTokenProfile(session), role);
}

CardKey findCardKey(const pkcs11::Session& session, CardKeyRole role) {
  const pkcs11::TokenProfile profile = pkcs11::readTokenProfile(session);
  certs::Certificate certificate = certificateOf(profile, role);
  const pkcs11::ObjectHandle key = pkcs11::findPrivateKey(session, labelOf(role), idOf(profile, role));
  return CardKey{session.keyFacts(key), std::move(certificate)};
}

}  // namespace ehagent::agent
