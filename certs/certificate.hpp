#pragma once
// An X.509 certificate as an immutable value. Copies share one OpenSSL object; nothing mutates it.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

struct x509_st;  // OpenSSL's X509, kept out of this header

#include "core/bytes.hpp"

namespace ehagent::certs {

using ehagent::Bytes;
using TimePoint = std::chrono::system_clock::time_point;

struct KeyUsage {
  bool present = false;  // false: no keyUsage extension, so every usage is allowed
  bool digitalSignature = false;
  bool nonRepudiation = false;
  bool keyEncipherment = false;
  bool dataEncipherment = false;
  bool keyAgreement = false;
  bool keyCertSign = false;
  bool crlSign = false;
};

class Certificate {
 public:
  // All three throw Error("certificate_invalid") on bytes that are not one certificate;
  // loadFile throws Error("io_error") when the file cannot be read.
  static Certificate fromDer(std::span<const std::uint8_t> der);
  static Certificate fromPem(std::string_view pem);
  static Certificate loadFile(const std::filesystem::path& path);  // PEM or DER
  // Every certificate in a PEM bundle (an empty text gives an empty list).
  static std::vector<Certificate> allFromPem(std::string_view pem);
  // Takes a reference of its own: the caller keeps its X509.
  static Certificate fromNative(const x509_st* cert);

  [[nodiscard]] Bytes der() const;
  [[nodiscard]] std::string pem() const;

  // "C=BE, O=Federal Government, OU=DOCTOR, CN=..." in certificate order, short names, UTF-8.
  [[nodiscard]] std::string subject() const;
  [[nodiscard]] std::string issuer() const;
  // Every value of one subject attribute, by short or long name ("serialNumber", "GN", "OU").
  [[nodiscard]] std::vector<std::string> subjectAttribute(std::string_view name) const;
  // DER of the subject and issuer Names and of the serial INTEGER (CKA_SUBJECT, CKA_ISSUER,
  // CKA_SERIAL_NUMBER; SoftHSM refuses a certificate object without CKA_SUBJECT).
  [[nodiscard]] Bytes subjectDer() const;
  [[nodiscard]] Bytes issuerDer() const;
  [[nodiscard]] Bytes serialDer() const;
  [[nodiscard]] std::string serialHex() const;      // upper-case hex, no separators
  [[nodiscard]] std::string serialDecimal() const;  // eHealth names .p12 aliases by it

  [[nodiscard]] TimePoint notBefore() const;
  [[nodiscard]] TimePoint notAfter() const;

  [[nodiscard]] std::string keyAlgorithm() const;  // "RSA-2048", "EC P-384", "Ed25519", ...
  [[nodiscard]] KeyUsage keyUsage() const;
  [[nodiscard]] bool isCa() const;  // basicConstraints CA:TRUE
  [[nodiscard]] bool isSelfIssued() const;

  [[nodiscard]] Bytes sha256Fingerprint() const;  // over the DER certificate
  [[nodiscard]] Bytes sha1Fingerprint() const;
  [[nodiscard]] Bytes publicKeyDer() const;   // SubjectPublicKeyInfo
  [[nodiscard]] Bytes publicKeySha1() const;  // SHA-1 of the subjectPublicKey bits (CKA_ID)

  [[nodiscard]] std::vector<std::string> ocspUrls() const;  // from the AIA extension
  [[nodiscard]] std::vector<std::string> crlUrls() const;   // from CRL distribution points

  [[nodiscard]] const x509_st* native() const noexcept { return cert_.get(); }

  friend bool operator==(const Certificate& a, const Certificate& b);

 private:
  explicit Certificate(std::shared_ptr<x509_st> cert);
  std::shared_ptr<x509_st> cert_;
  // Encoded once: a JWT's x5c and thumbprint, and every fingerprint, are made from it.
  std::shared_ptr<const Bytes> der_;
};

// Lower-case hex, optionally with a separator between bytes ("ab:cd").
std::string toHex(std::span<const std::uint8_t> bytes, std::string_view separator = "");

}  // namespace ehagent::certs
