#pragma once
// The specimen test PKI: a small certificate factory over OpenSSL. Certificates are issued from
// a table of CertificateSpec rows, so adding one (an OCSP responder, another practitioner) is one
// more row. Keys are made here, or are public keys read from a token (the eID keys never leave
// the SoftHSM token, as on a real card).
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "pkcs11/objects.hpp"

namespace ehagent::sandbox {

enum class CertificateProfile {
  RootCa,        // self-signed, keyCertSign + cRLSign
  IntermediateCa,
  EidAuthentication,  // digitalSignature, clientAuth
  EidSignature,       // nonRepudiation
  EHealth,            // digitalSignature + keyEncipherment, clientAuth
  TlsServer,          // serverAuth with subjectAltName
  Signing,            // digitalSignature (an STS signing certificate)
};

enum class KeyKind { Rsa2048, EcP256, EcP384 };

struct CertificateSpec {
  std::string name;    // the handle other rows and callers use ("citizen-ca", "alice-auth")
  std::string issuer;  // the name of an issued CA row; empty for a self-signed root
  std::vector<std::pair<std::string, std::string>> subject;  // in order: {"C","BE"}, {"CN",...}
  CertificateProfile profile = CertificateProfile::EidAuthentication;
  KeyKind key = KeyKind::Rsa2048;  // ignored when a token public key is given
  std::vector<std::string> subjectAltNames;  // "IP:127.0.0.1", "DNS:localhost"
  int validDays = 3650;
};

struct Issued {
  std::vector<std::uint8_t> certificateDer;
  std::vector<std::uint8_t> subjectDer;
  std::vector<std::uint8_t> issuerDer;
  std::vector<std::uint8_t> serialDer;
  std::string certificatePem;
  std::string privateKeyPem;  // empty when the key lives on a token
};

class Pki {
 public:
  Pki();
  ~Pki();
  Pki(const Pki&) = delete;
  Pki& operator=(const Pki&) = delete;

  // Issues with a key generated here.
  const Issued& issue(const CertificateSpec& spec);
  // Issues for a public key read from a token.
  const Issued& issueForRsaKey(const CertificateSpec& spec, const pkcs11::RsaPublicKey& key);
  const Issued& issueForEcKey(const CertificateSpec& spec, const pkcs11::EcPublicKey& key);

  [[nodiscard]] const Issued& get(const std::string& name) const;
  // The private key of a row issued with a key made here, as raw components for a token import.
  [[nodiscard]] pkcs11::RsaPrivateKey rsaComponents(const std::string& name) const;

  // A PKCS#12 of the row's key and certificate with friendlyName alias and the issuer chain.
  [[nodiscard]] std::vector<std::uint8_t> pkcs12(const std::string& name, const std::string& alias,
                                                 const std::string& password) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ehagent::sandbox
