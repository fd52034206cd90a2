#pragma once
// An open Cryptoki session on one slot (RAII: C_CloseSession in the destructor). Holds the Module
// alive. Login never retries: a wrong PIN is reported once, with the tries left in tokenInfo().
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "pkcs11/types.hpp"

namespace ehagent {
class Secret;
}

namespace ehagent::pkcs11 {

class Module;

enum class ObjectClass { Data, Certificate, PublicKey, PrivateKey, SecretKey };

// Digests a signature can carry when the token is handed a hash computed on the host.
enum class HashAlgorithm { Sha256, Sha384, Sha512 };

enum class SignMechanism {
  RsaPkcs,        // CKM_RSA_PKCS over a DigestInfo: use signDigest, which builds it
  Sha256RsaPkcs,  // CKM_SHA256_RSA_PKCS: the token hashes the data
  Sha384RsaPkcs,
  Sha512RsaPkcs,
  Sha256RsaPss,   // CKM_SHA256_RSA_PKCS_PSS, MGF1-SHA256, salt 32: the token hashes the data
  RsaPss,         // CKM_RSA_PKCS_PSS over a host hash (salt = hash length)
  Ecdsa,          // CKM_ECDSA over a host hash; the result is raw r||s
};

// What signing needs to know about a private key, read once (C_GetAttributeValue, C_GetTokenInfo)
// rather than before every signature.
struct KeyFacts {
  ObjectHandle handle = 0;
  unsigned long keyType = 0;        // CKK_RSA or CKK_EC
  bool alwaysAuthenticate = false;  // CKA_ALWAYS_AUTHENTICATE: the card asks the PIN per signature
  bool protectedPath = false;       // the token has a pinpad (or its own PIN dialog)
};

class Session {
 public:
  Session(std::shared_ptr<Module> module, SlotId slot, bool readWrite = false);
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;
  Session(Session&& other) noexcept;
  Session& operator=(Session&& other) noexcept;
  ~Session() noexcept;

  [[nodiscard]] SlotId slot() const noexcept { return slot_; }
  [[nodiscard]] Module& module() const noexcept { return *module_; }
  [[nodiscard]] TokenInfo tokenInfo() const;

  // C_Login as the user with a PIN. CKR_USER_ALREADY_LOGGED_IN counts as success.
  void login(const Secret& pin);
  // C_Login with a NULL PIN, for tokens with a protected authentication path (pinpad, or the
  // beid module's own dialog): the PIN never passes through this process.
  void loginProtected();
  void loginSecurityOfficer(const Secret& soPin);
  // C_InitPIN (as the logged-in security officer).
  void initPin(const Secret& pin);
  // C_Logout; a session that was not logged in is not an error.
  void logout();
  [[nodiscard]] bool loggedIn() const;

  // All objects matching the template, looping C_FindObjects until it has no more.
  [[nodiscard]] std::vector<ObjectHandle> find(const std::vector<Attribute>& query) const;
  [[nodiscard]] std::vector<ObjectHandle> find(ObjectClass cls, std::optional<std::string> label = {},
                                               std::optional<Bytes> id = {}) const;

  // An attribute's value of any length; nullopt when the object does not have it or it is
  // sensitive.
  [[nodiscard]] std::optional<Bytes> attribute(ObjectHandle object, unsigned long type) const;
  [[nodiscard]] std::optional<std::string> textAttribute(ObjectHandle object, unsigned long type) const;
  [[nodiscard]] std::optional<unsigned long> ulongAttribute(ObjectHandle object, unsigned long type) const;
  [[nodiscard]] std::optional<bool> boolAttribute(ObjectHandle object, unsigned long type) const;

  [[nodiscard]] ObjectHandle create(const std::vector<Attribute>& object);
  void destroy(ObjectHandle object);
  // C_GenerateKeyPair; returns {public key, private key}.
  [[nodiscard]] std::pair<ObjectHandle, ObjectHandle> generateKeyPair(
      unsigned long mechanism, const std::vector<Attribute>& publicKey,
      const std::vector<Attribute>& privateKey);

  // Signs input with key. For keys with CKA_ALWAYS_AUTHENTICATE (the eID Signature key) the
  // card wants the PIN again: contextPin is used for CKU_CONTEXT_SPECIFIC, or, when it is null
  // and the token has a protected authentication path, a NULL PIN is sent; otherwise the
  // signature fails with NotLoggedIn.
  [[nodiscard]] Bytes sign(ObjectHandle key, SignMechanism mechanism, std::span<const std::uint8_t> input,
                           const Secret* contextPin = nullptr, HashAlgorithm pssHash = HashAlgorithm::Sha256);
  // Signs a host-computed hash: RSA keys get PKCS#1 v1.5 over the DigestInfo built here, EC keys
  // get ECDSA (raw r||s). The key type is read from the key object.
  [[nodiscard]] Bytes signDigest(ObjectHandle key, HashAlgorithm hash, std::span<const std::uint8_t> digest,
                                 const Secret* contextPin = nullptr);
  // The same two with the key's facts read beforehand (keyFacts): no attribute reads per signature.
  [[nodiscard]] KeyFacts keyFacts(ObjectHandle key) const;
  [[nodiscard]] Bytes sign(const KeyFacts& key, SignMechanism mechanism, std::span<const std::uint8_t> input,
                           const Secret* contextPin = nullptr, HashAlgorithm pssHash = HashAlgorithm::Sha256);
  [[nodiscard]] Bytes signDigest(const KeyFacts& key, HashAlgorithm hash, std::span<const std::uint8_t> digest,
                                 const Secret* contextPin = nullptr);

  [[nodiscard]] unsigned long handle() const noexcept { return handle_; }

 private:
  void contextLogin(ObjectHandle key, const Secret* contextPin);
  void close() noexcept;

  std::shared_ptr<Module> module_;
  SlotId slot_ = 0;
  unsigned long handle_ = 0;
  bool open_ = false;
};

// The DER DigestInfo (RFC 8017 section 9.2) wrapping digest; throws when the length does not
// match the algorithm.
[[nodiscard]] Bytes digestInfo(HashAlgorithm hash, std::span<const std::uint8_t> digest);
[[nodiscard]] std::size_t digestLength(HashAlgorithm hash) noexcept;

}  // namespace ehagent::pkcs11
