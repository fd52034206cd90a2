#pragma once
// The Belgian eID profile over PKCS#11, as the beid module lays a card out: private keys
// "Authentication" (CKA_ID 2) and "Signature" (CKA_ID 3, a native CK_ULONG), certificates
// "Authentication", "Signature", "CA", "Root", and CKO_DATA identity objects (CKA_OBJECT_ID "id").
// OpenSC's BELPIC driver shows the same labels with one-byte ids and no identity objects: the
// holder is then left empty for the caller to take from the Authentication certificate.
// Everything here is readable without a PIN. Also recognises an eHealth token: a key and
// certificate labelled "authentication" (the .p12 alias) and no eID layout.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "pkcs11/types.hpp"

namespace ehagent::pkcs11 {

class Session;

enum class TokenKind { EidRsa, EidEc, EHealth, Other };
[[nodiscard]] std::string_view toString(TokenKind kind) noexcept;  // "eid-rsa", "eid-ec", ...

struct EidHolder {
  std::string surname;
  std::string firstNames;
  std::string ssin;  // national_number
  std::string cardNumber;
  std::string validityBegin;  // as the card stores it (DD.MM.YYYY)
  std::string validityEnd;
  std::map<std::string, std::string> fields;  // every identity object, by label
};

struct TokenCertificate {
  std::string label;
  Bytes id;
  Bytes der;
};

struct TokenKey {
  std::string label;
  Bytes id;
  std::string algorithm;  // "RSA-2048", "EC P-384", ...
  bool alwaysAuthenticate = false;
};

struct TokenProfile {
  TokenKind kind = TokenKind::Other;
  std::optional<EidHolder> holder;  // eID only
  std::vector<TokenCertificate> certificates;
  std::vector<TokenKey> keys;

  [[nodiscard]] const TokenCertificate* certificate(const std::string& label) const;
};

// Reads the profile through a session that need not be logged in. Keys are read from the
// private key objects when visible, else from the public key objects with the same label and id.
[[nodiscard]] TokenProfile readTokenProfile(const Session& session);

// The key to sign with, by label ("Authentication", "Signature", "authentication") and, when
// given, CKA_ID. Private keys are visible only after login on most tokens; throws
// Error(KeyNotFound) when there is none.
[[nodiscard]] ObjectHandle findPrivateKey(const Session& session, const std::string& label,
                                          std::optional<Bytes> id = {});

// Key ids of the eID keys: a native CK_ULONG with the beid module, one byte with OpenSC.
inline constexpr unsigned long kEidAuthenticationKeyId = 2;
inline constexpr unsigned long kEidSignatureKeyId = 3;

}  // namespace ehagent::pkcs11
