#pragma once
// CAdES-BES: a CMS SignedData with the signing-certificate-v2 (ESS) and signing-time signed
// attributes. The key may sit on a card, so OpenSSL only lays out the structure; the DER of the
// signed attributes goes through the Signer and the signature value is put in afterwards.
#include <chrono>
#include <cstdint>
#include <span>
#include <vector>

#include "certs/certificate.hpp"
#include "tokens/sign/signer.hpp"

namespace ehagent::tokens {

struct CadesOptions {
  bool detached = false;                 // false: the content travels inside the SignedData
  std::vector<certs::Certificate> chain;  // intermediates to include beside the signer's certificate
  std::chrono::system_clock::time_point signingTime = std::chrono::system_clock::now();
};

// Returns the DER ContentInfo. RSA keys sign with PKCS#1 v1.5 and SHA-256, EC keys with ECDSA and
// SHA-256 (SHA-384 on P-384). Throws Error("crypto_error") / the Signer's errors.
std::vector<std::uint8_t> signCadesBes(std::span<const std::uint8_t> content, Signer& signer,
                                       const CadesOptions& options = {});

}  // namespace ehagent::tokens
