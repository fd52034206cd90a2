#include "agent/session/card_signers.hpp"

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

std::optional<pkcs11::Bytes> idOf(CardKeyRole role) {
  switch (role) {
    case CardKeyRole::EidAuthentication: return pkcs11::nativeUlongId(pkcs11::kEidAuthenticationKeyId);
    case CardKeyRole::EidSignature: return pkcs11::nativeUlongId(pkcs11::kEidSignatureKeyId);
    case CardKeyRole::Ehealth: return std::nullopt;  // the import names it by alias only
  }
  return std::nullopt;
}

}  // namespace

certs::Certificate cardCertificate(const pkcs11::Session& session, CardKeyRole role) {
  const pkcs11::TokenProfile profile = pkcs11::readTokenProfile(session);
  const pkcs11::TokenCertificate* cert = profile.certificate(labelOf(role));
  if (!cert) {
    pkcs11::fail(pkcs11::ErrorKind::KeyNotFound, "C_FindObjects",
                 std::string("no certificate labelled \"") + labelOf(role) + "\" on the token");
  }
  return certs::Certificate::fromDer(cert->der);
}

CardKey findCardKey(const pkcs11::Session& session, CardKeyRole role) {
  certs::Certificate certificate = cardCertificate(session, role);
  const pkcs11::ObjectHandle key = pkcs11::findPrivateKey(session, labelOf(role), idOf(role));
  return CardKey{session.keyFacts(key), std::move(certificate)};
}

}  // namespace ehagent::agent
