#pragma once
// Finding a card's key and its certificate, the pair a tokens::Pkcs11Signer is built from. The eID
// keys are found by label and CKA_ID (2 Authentication, 3 Signature, as the module encodes it), the eHealth key by the .p12
// alias "authentication". Private keys are visible only after login on most tokens.
#include <vector>

#include "certs/certificate.hpp"
#include "pkcs11/eid.hpp"
#include "pkcs11/session.hpp"
#include "pkcs11/types.hpp"

namespace ehagent::pkcs11 {
class Session;
}

namespace ehagent::agent {

enum class CardKeyRole { EidAuthentication, EidSignature, Ehealth };

struct CardKey {
  pkcs11::KeyFacts key;  // read once, when the key is found
  certs::Certificate certificate;
};

// Throws pkcs11::Error(KeyNotFound) when the key or its certificate is not on the token.
[[nodiscard]] CardKey findCardKey(const pkcs11::Session& session, CardKeyRole role);

// An eID read through OpenSC has no identity objects: its holder (SSIN, names) is then taken
// from the Authentication certificate's subject, which the card monitor reads without a PIN too.
void holderFromCertificate(pkcs11::TokenProfile& profile);

// Only the certificate (readable without a PIN); same errors.
[[nodiscard]] certs::Certificate cardCertificate(const pkcs11::Session& session, CardKeyRole role);

}  // namespace ehagent::agent
