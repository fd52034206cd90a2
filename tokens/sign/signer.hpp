#pragma once
// The one door through which XMLDSig, WS-Security and JWS code reaches a private key. An
// implementation may sit on OpenSSL (sandbox, tests) or on a PKCS#11 key (the eID card, the
// eHealth token); callers never know which.
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "certs/certificate.hpp"

namespace ehagent::tokens {

enum class SignatureAlgorithm { RsaSha256, RsaPssSha256, EcdsaSha256, EcdsaSha384 };

class Signer {
 public:
  virtual ~Signer() = default;
  // Signs `data` (the signer hashes it). ECDSA returns raw r||s, as XMLDSig and JWS want.
  // RSA-PSS uses SHA-256, MGF1-SHA-256 and a 32-byte salt (RFC 9231 / JWS PS256).
  // Throws tokens::Error("signing_failed") or a more specific error of the key's layer.
  virtual std::vector<std::uint8_t> sign(std::span<const std::uint8_t> data, SignatureAlgorithm) = 0;
  virtual const certs::Certificate& certificate() const = 0;
  virtual SignatureAlgorithm defaultAlgorithm() const = 0;
};

// XMLDSig SignatureMethod URI (xmldsig-more, RFC 9231) for an algorithm, and back.
std::string_view xmldsigUri(SignatureAlgorithm alg);
SignatureAlgorithm algorithmFromXmldsigUri(std::string_view uri);  // throws unsupported_algorithm
// JWS "alg" name: RS256, PS256, ES256, ES384.
std::string_view jwsName(SignatureAlgorithm alg);
// True for the two ECDSA algorithms.
bool isEcdsa(SignatureAlgorithm alg);
// The algorithm a key of this certificate signs with by default: RSA -> RsaSha256, EC P-384 ->
// EcdsaSha384, other EC curves -> EcdsaSha256. Throws unsupported_algorithm for anything else.
SignatureAlgorithm defaultAlgorithmFor(const certs::Certificate& cert);

}  // namespace ehagent::tokens
