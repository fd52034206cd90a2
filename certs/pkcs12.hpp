#pragma once
// Reading an eHealth PKCS#12 keystore: the "authentication" alias (key, certificate, chain) and
// the names of the other aliases (encryption keys, named by certificate serial number).
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "certs/certificate.hpp"
#include "core/secret.hpp"

struct evp_pkey_st;  // OpenSSL's EVP_PKEY

namespace ehagent::certs {

// A private key as the raw values a PKCS#11 C_CreateObject template takes. Wiped on destruction.
struct PrivateKeyComponents {
  enum class Type { Rsa, Ec };
  Type type = Type::Rsa;
  // RSA (CKA_MODULUS, CKA_PUBLIC_EXPONENT, CKA_PRIVATE_EXPONENT, CKA_PRIME_1, CKA_PRIME_2,
  // CKA_EXPONENT_1, CKA_EXPONENT_2, CKA_COEFFICIENT), big-endian without leading zeros.
  Bytes modulus, publicExponent, privateExponent, prime1, prime2, exponent1, exponent2, coefficient;
  // EC: ecParams is the DER OID of the named curve (CKA_EC_PARAMS), ecPrivateValue the scalar
  // padded to the field size (CKA_VALUE), ecPoint the uncompressed point 04||X||Y, which
  // CKA_EC_POINT wants wrapped in a DER OCTET STRING.
  Bytes ecParams, ecPrivateValue, ecPoint;

  PrivateKeyComponents() = default;
  PrivateKeyComponents(const PrivateKeyComponents&) = delete;
  PrivateKeyComponents& operator=(const PrivateKeyComponents&) = delete;
  PrivateKeyComponents(PrivateKeyComponents&&) = default;
  PrivateKeyComponents& operator=(PrivateKeyComponents&&) = default;
  ~PrivateKeyComponents();
};

class Pkcs12 {
 public:
  inline static const std::string authentication_alias = "authentication";

  // Throws Error: p12_password (the MAC does not match this password), p12_invalid (not a
  // PKCS#12 file, truncated, or undecodable), p12_no_authentication (no "authentication" alias
  // with a key and certificate), io_error. The password never appears in a message.
  static Pkcs12 load(const std::filesystem::path& file, const Secret& password);
  static Pkcs12 parse(std::span<const std::uint8_t> der, const Secret& password);

  [[nodiscard]] const Certificate& certificate() const { return *cert_; }
  // The other certificates in the file without a key: the issuing CAs, leaf-most first as stored.
  [[nodiscard]] const std::vector<Certificate>& chain() const { return chain_; }
  // Every friendlyName in the file, "authentication" included.
  [[nodiscard]] const std::vector<std::string>& aliases() const { return aliases_; }

  [[nodiscard]] bool keyMatchesCertificate() const;
  [[nodiscard]] std::string keyAlgorithm() const;  // "RSA-2048", "EC P-256", ...
  [[nodiscard]] PrivateKeyComponents privateKey() const;

 private:
  Pkcs12() = default;
  std::shared_ptr<evp_pkey_st> key_;
  std::shared_ptr<Certificate> cert_;
  std::vector<Certificate> chain_;
  std::vector<std::string> aliases_;
};

}  // namespace ehagent::certs
