#include "tokens/sign/signer.hpp"

#include <string>

#include "tokens/error.hpp"

namespace ehagent::tokens {

namespace {
constexpr std::string_view kRsaSha256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";
// RFC 9231 section 2.3.10: RSASSA-PSS with SHA-256, MGF1-SHA-256, salt 32, trailer 1.
constexpr std::string_view kRsaPssSha256 = "http://www.w3.org/2007/05/xmldsig-more#sha256-rsa-MGF1";
constexpr std::string_view kEcdsaSha256 = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256";
constexpr std::string_view kEcdsaSha384 = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384";
}  // namespace

std::string_view xmldsigUri(SignatureAlgorithm alg) {
  switch (alg) {
    case SignatureAlgorithm::RsaSha256: return kRsaSha256;
    case SignatureAlgorithm::RsaPssSha256: return kRsaPssSha256;
    case SignatureAlgorithm::EcdsaSha256: return kEcdsaSha256;
    case SignatureAlgorithm::EcdsaSha384: return kEcdsaSha384;
  }
  throw Error("unsupported_algorithm", "unknown signature algorithm");
}

SignatureAlgorithm algorithmFromXmldsigUri(std::string_view uri) {
  if (uri == kRsaSha256) return SignatureAlgorithm::RsaSha256;
  if (uri == kRsaPssSha256) return SignatureAlgorithm::RsaPssSha256;
  if (uri == kEcdsaSha256) return SignatureAlgorithm::EcdsaSha256;
  if (uri == kEcdsaSha384) return SignatureAlgorithm::EcdsaSha384;
  throw Error("unsupported_algorithm", "unsupported SignatureMethod: " + std::string(uri));
}

std::string_view jwsName(SignatureAlgorithm alg) {
  switch (alg) {
    case SignatureAlgorithm::RsaSha256: return "RS256";
    case SignatureAlgorithm::RsaPssSha256: return "PS256";
    case SignatureAlgorithm::EcdsaSha256: return "ES256";
    case SignatureAlgorithm::EcdsaSha384: return "ES384";
  }
  throw Error("unsupported_algorithm", "unknown signature algorithm");
}

bool isEcdsa(SignatureAlgorithm alg) {
  return alg == SignatureAlgorithm::EcdsaSha256 || alg == SignatureAlgorithm::EcdsaSha384;
}

SignatureAlgorithm defaultAlgorithmFor(const certs::Certificate& cert) {
  const std::string key = cert.keyAlgorithm();
  if (key.starts_with("RSA")) return SignatureAlgorithm::RsaSha256;
  if (key == "EC P-384") return SignatureAlgorithm::EcdsaSha384;
  if (key.starts_with("EC")) return SignatureAlgorithm::EcdsaSha256;
  throw Error("unsupported_algorithm", "no signature algorithm for key type " + key);
}

}  // namespace ehagent::tokens
