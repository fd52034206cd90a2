#include "pkcs11/eid.hpp"

#include "pkcs11/cryptoki.hpp"
#include "pkcs11/error.hpp"
#include "pkcs11/objects.hpp"
#include "pkcs11/session.hpp"

namespace ehagent::pkcs11 {
namespace {

// The identity file group; CKA_OBJECT_ID carries the raw bytes "id".
const Bytes kIdentityGroup{'i', 'd'};

std::string keyAlgorithm(const Session& session, ObjectHandle key) {
  const auto type = session.ulongAttribute(key, CKA_KEY_TYPE);
  if (type == CKK_RSA) {
    if (auto bits = session.ulongAttribute(key, CKA_MODULUS_BITS)) return "RSA-" + std::to_string(*bits);
    if (auto modulus = session.attribute(key, CKA_MODULUS)) return "RSA-" + std::to_string(modulus->size() * 8);
    return "RSA";
  }
  if (type == CKK_EC) {
    const auto params = session.attribute(key, CKA_EC_PARAMS);
    if (params == p384Params()) return "EC P-384";
    if (params == p256Params()) return "EC P-256";
    return "EC";
  }
  return "unknown";
}

std::optional<TokenKey> readKey(const Session& session, const std::string& label) {
  auto handles = session.find(ObjectClass::PrivateKey, label);
  const bool privateVisible = !handles.empty();
  if (!privateVisible) handles = session.find(ObjectClass::PublicKey, label);
  if (handles.empty()) return std::nullopt;
  TokenKey key;
  key.label = label;
  key.id = session.attribute(handles.front(), CKA_ID).value_or(Bytes{});
  key.algorithm = keyAlgorithm(session, handles.front());
  key.alwaysAuthenticate = privateVisible && session.boolAttribute(handles.front(), CKA_ALWAYS_AUTHENTICATE).value_or(false);
  return key;
}

std::optional<TokenCertificate> readCertificate(const Session& session, const std::string& label) {
  auto handles = session.find(ObjectClass::Certificate, label);
  if (handles.empty()) return std::nullopt;
  auto der = session.attribute(handles.front(), CKA_VALUE);
  if (!der) return std::nullopt;
  return TokenCertificate{label, session.attribute(handles.front(), CKA_ID).value_or(Bytes{}), std::move(*der)};
}

EidHolder readHolder(const Session& session) {
  EidHolder holder;
  for (auto handle : session.find({Attribute::ulong(CKA_CLASS, CKO_DATA), Attribute::bytes(CKA_OBJECT_ID, kIdentityGroup)})) {
    auto label = session.textAttribute(handle, CKA_LABEL);
    auto value = session.textAttribute(handle, CKA_VALUE);
    if (label && value) holder.fields[*label] = *value;
  }
  auto field = [&](const char* name) {
    auto it = holder.fields.find(name);
    return it == holder.fields.end() ? std::string() : it->second;
  };
  holder.surname = field("surname");
  holder.firstNames = field("firstnames");
  holder.ssin = field("national_number");
  holder.cardNumber = field("card_number");
  holder.validityBegin = field("validity_begin_date");
  holder.validityEnd = field("validity_end_date");
  return holder;
}

// The beid module gives CKA_ID as a native CK_ULONG; OpenSC gives the PKCS#15 iD, one byte.
bool hasId(const std::optional<TokenKey>& key, unsigned long id) {
  if (!key) return false;
  if (key->id.size() == 1) return key->id[0] == id;
  return parseNativeUlongId(key->id) == id;
}

}  // namespace

std::string_view toString(TokenKind kind) noexcept {
  switch (kind) {
    case TokenKind::EidRsa: return "eid-rsa";
    case TokenKind::EidEc: return "eid-ec";
    case TokenKind::EHealth: return "ehealth";
    case TokenKind::Other: return "other";
  }
  return "other";
}

const TokenCertificate* TokenProfile::certificate(const std::string& label) const {
  for (const auto& cert : certificates) {
    if (cert.label == label) return &cert;
  }
  return nullptr;
}

TokenProfile readTokenProfile(const Session& session) {
  TokenProfile profile;
  for (const char* label : {"Authentication", "Signature", "CA", "Root", "authentication"}) {
    if (auto cert = readCertificate(session, label)) profile.certificates.push_back(std::move(*cert));
  }
  auto auth = readKey(session, "Authentication");
  auto sign = readKey(session, "Signature");
  const bool eidLayout = hasId(auth, kEidAuthenticationKeyId) && hasId(sign, kEidSignatureKeyId) &&
                         profile.certificate("Authentication") && profile.certificate("Signature");
  if (eidLayout) {
    profile.keys = {*auth, *sign};
    profile.kind = auth->algorithm.starts_with("EC") ? TokenKind::EidEc : TokenKind::EidRsa;
    profile.holder = readHolder(session);
    return profile;
  }
  if (profile.certificate("authentication")) {
    profile.kind = TokenKind::EHealth;
    if (auto key = readKey(session, "authentication")) profile.keys.push_back(std::move(*key));
  }
  return profile;
}

ObjectHandle findPrivateKey(const Session& session, const std::string& label, std::optional<Bytes> id) {
  auto handles = session.find(ObjectClass::PrivateKey, label, std::move(id));
  if (handles.empty()) {
    fail(ErrorKind::KeyNotFound, "findPrivateKey",
         "no private key labelled \"" + label + "\" is visible (is the session logged in?)");
  }
  return handles.front();
}

}  // namespace ehagent::pkcs11
