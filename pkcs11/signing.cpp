// Session::sign and the DigestInfo encoding: the one place a key is used.
#include <array>

#include "pkcs11/cryptoki.hpp"
#include "pkcs11/error.hpp"
#include "core/secret.hpp"
#include "pkcs11/session.hpp"

namespace ehagent::pkcs11 {
namespace {

// The DER prefixes of DigestInfo (RFC 8017 section 9.2, note 1).
constexpr std::array<std::uint8_t, 19> kSha256Prefix{0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
                                                    0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20};
constexpr std::array<std::uint8_t, 19> kSha384Prefix{0x30, 0x41, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
                                                    0x65, 0x03, 0x04, 0x02, 0x02, 0x05, 0x00, 0x04, 0x30};
constexpr std::array<std::uint8_t, 19> kSha512Prefix{0x30, 0x51, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
                                                    0x65, 0x03, 0x04, 0x02, 0x03, 0x05, 0x00, 0x04, 0x40};

constexpr std::size_t kSignatureBuffer = 1024;

struct PssChoice {
  CK_MECHANISM_TYPE hash;
  CK_RSA_PKCS_MGF_TYPE mgf;
};

PssChoice pssChoice(HashAlgorithm hash) {
  switch (hash) {
    case HashAlgorithm::Sha256: return {CKM_SHA256, CKG_MGF1_SHA256};
    case HashAlgorithm::Sha384: return {CKM_SHA384, CKG_MGF1_SHA384};
    case HashAlgorithm::Sha512: return {CKM_SHA512, CKG_MGF1_SHA512};
  }
  return {CKM_SHA256, CKG_MGF1_SHA256};
}

CK_MECHANISM_TYPE mechanismType(SignMechanism mechanism) {
  switch (mechanism) {
    case SignMechanism::RsaPkcs: return CKM_RSA_PKCS;
    case SignMechanism::Sha256RsaPkcs: return CKM_SHA256_RSA_PKCS;
    case SignMechanism::Sha384RsaPkcs: return CKM_SHA384_RSA_PKCS;
    case SignMechanism::Sha512RsaPkcs: return CKM_SHA512_RSA_PKCS;
    case SignMechanism::Sha256RsaPss: return CKM_SHA256_RSA_PKCS_PSS;
    case SignMechanism::RsaPss: return CKM_RSA_PKCS_PSS;
    case SignMechanism::Ecdsa: return CKM_ECDSA;
  }
  return CKM_RSA_PKCS;
}

}  // namespace

std::size_t digestLength(HashAlgorithm hash) noexcept {
  switch (hash) {
    case HashAlgorithm::Sha256: return 32;
    case HashAlgorithm::Sha384: return 48;
    case HashAlgorithm::Sha512: return 64;
  }
  return 0;
}

Bytes digestInfo(HashAlgorithm hash, std::span<const std::uint8_t> digest) {
  if (digest.size() != digestLength(hash)) {
    fail(ErrorKind::Other, "digestInfo",
         "digest is " + std::to_string(digest.size()) + " bytes, expected " + std::to_string(digestLength(hash)));
  }
  const auto& prefix = hash == HashAlgorithm::Sha256   ? kSha256Prefix
                       : hash == HashAlgorithm::Sha384 ? kSha384Prefix
                                                       : kSha512Prefix;
  Bytes info(prefix.begin(), prefix.end());
  info.insert(info.end(), digest.begin(), digest.end());
  return info;
}

void Session::contextLogin(ObjectHandle, const Secret* contextPin) {
  auto* f = detail::functions(*module_);
  CK_RV rv = contextPin ? f->C_Login(handle_, CKU_CONTEXT_SPECIFIC,
                                     reinterpret_cast<CK_UTF8CHAR_PTR>(const_cast<char*>(contextPin->data())),
                                     contextPin->size())
                        : f->C_Login(handle_, CKU_CONTEXT_SPECIFIC, nullptr, 0);
  if (rv == CKR_OK) return;
  // The signing operation started by C_SignInit is still active; a C_Sign that fails ends it, so
  // the session can sign again once the user has the right PIN.
  std::array<CK_BYTE, 1024> scratch{};
  CK_BYTE input[1] = {0};
  CK_ULONG length = scratch.size();
  (void)f->C_Sign(handle_, input, sizeof input, scratch.data(), &length);
  check(rv, "C_Login");
}

KeyFacts Session::keyFacts(ObjectHandle key) const {
  KeyFacts facts;
  facts.handle = key;
  facts.keyType = ulongAttribute(key, CKA_KEY_TYPE).value_or(CK_UNAVAILABLE_INFORMATION);
  facts.alwaysAuthenticate = boolAttribute(key, CKA_ALWAYS_AUTHENTICATE).value_or(false);
  facts.protectedPath = facts.alwaysAuthenticate && tokenInfo().protectedAuthenticationPath;
  return facts;
}

Bytes Session::sign(ObjectHandle key, SignMechanism mechanism, std::span<const std::uint8_t> input,
                    const Secret* contextPin, HashAlgorithm pssHash) {
  return sign(keyFacts(key), mechanism, input, contextPin, pssHash);
}

Bytes Session::signDigest(ObjectHandle key, HashAlgorithm hash, std::span<const std::uint8_t> digest,
                          const Secret* contextPin) {
  return signDigest(keyFacts(key), hash, digest, contextPin);
}

Bytes Session::sign(const KeyFacts& facts, SignMechanism mechanism, std::span<const std::uint8_t> input,
                    const Secret* contextPin, HashAlgorithm pssHash) {
  auto* f = detail::functions(*module_);
  const ObjectHandle key = facts.handle;
  const bool alwaysAuthenticate = facts.alwaysAuthenticate;
  if (alwaysAuthenticate && !contextPin && !facts.protectedPath) {
    fail(ErrorKind::NotLoggedIn, "C_Sign", "this key asks for the PIN for every signature and none was given");
  }

  CK_RSA_PKCS_PSS_PARAMS pss{};
  CK_MECHANISM mech{mechanismType(mechanism), nullptr, 0};
  if (mechanism == SignMechanism::Sha256RsaPss) {
    pss = {CKM_SHA256, CKG_MGF1_SHA256, 32};
  } else if (mechanism == SignMechanism::RsaPss) {
    const auto choice = pssChoice(pssHash);
    if (input.size() != digestLength(pssHash)) {
      fail(ErrorKind::Other, "C_Sign", "the RSA-PSS input must be a hash of the chosen algorithm");
    }
    pss = {choice.hash, choice.mgf, static_cast<CK_ULONG>(digestLength(pssHash))};
  }
  if (mechanism == SignMechanism::Sha256RsaPss || mechanism == SignMechanism::RsaPss) {
    mech.pParameter = &pss;
    mech.ulParameterLen = sizeof pss;
  }

  check(f->C_SignInit(handle_, &mech, key), "C_SignInit");
  if (alwaysAuthenticate) contextLogin(key, contextPin);

  // One C_Sign into a buffer that holds any signature of an 8192-bit RSA or P-521 key, rather than
  // first asking for the length: a card round trip saved. A token that still wants more says
  // CKR_BUFFER_TOO_SMALL with the length, and the operation stays active for the second call.
  auto* data = const_cast<CK_BYTE_PTR>(input.data());
  Bytes signature(kSignatureBuffer);
  CK_ULONG length = signature.size();
  CK_RV rv = f->C_Sign(handle_, data, input.size(), signature.data(), &length);
  if (rv == CKR_BUFFER_TOO_SMALL) {
    signature.resize(length);
    rv = f->C_Sign(handle_, data, input.size(), signature.data(), &length);
  }
  check(rv, "C_Sign");
  signature.resize(length);
  return signature;
}

Bytes Session::signDigest(const KeyFacts& key, HashAlgorithm hash, std::span<const std::uint8_t> digest,
                          const Secret* contextPin) {
  if (digest.size() != digestLength(hash)) {
    fail(ErrorKind::Other, "signDigest", "digest length does not match the hash algorithm");
  }
  if (key.keyType == CKK_EC) return sign(key, SignMechanism::Ecdsa, digest, contextPin);
  if (key.keyType == CKK_RSA) return sign(key, SignMechanism::RsaPkcs, digestInfo(hash, digest), contextPin);
  if (key.keyType == CK_UNAVAILABLE_INFORMATION) fail(ErrorKind::KeyNotFound, "signDigest", "the object is not a key");
  fail(ErrorKind::NotSupported, "signDigest", "key type " + std::to_string(key.keyType) + " cannot sign");
}

}  // namespace ehagent::pkcs11
