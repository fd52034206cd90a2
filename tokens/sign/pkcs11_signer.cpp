#include "tokens/sign/pkcs11_signer.hpp"

#include "tokens/sign/crypto.hpp"
#include "tokens/error.hpp"

namespace ehagent::tokens {

Pkcs11Signer::Pkcs11Signer(pkcs11::Session& session, pkcs11::ObjectHandle key, certs::Certificate certificate,
                           const Secret* context_pin)
    : Pkcs11Signer(session, session.keyFacts(key), std::move(certificate), context_pin) {}

Pkcs11Signer::Pkcs11Signer(pkcs11::Session& session, pkcs11::KeyFacts key, certs::Certificate certificate,
                           const Secret* context_pin)
    : session_(session),
      key_(key),
      certificate_(std::move(certificate)),
      context_pin_(context_pin),
      default_(defaultAlgorithmFor(certificate_)),
      ec_key_(certificate_.keyAlgorithm().starts_with("EC")) {}

std::vector<std::uint8_t> Pkcs11Signer::sign(std::span<const std::uint8_t> data, SignatureAlgorithm alg) {
  if (isEcdsa(alg) != ec_key_)
    throw Error("unsupported_algorithm", std::string(jwsName(alg)) + " does not fit a " + certificate_.keyAlgorithm() + " key");
  switch (alg) {
    case SignatureAlgorithm::RsaSha256:
      return session_.signDigest(key_, pkcs11::HashAlgorithm::Sha256, sha256(data), context_pin_);
    case SignatureAlgorithm::RsaPssSha256:
      return session_.sign(key_, pkcs11::SignMechanism::Sha256RsaPss, data, context_pin_);
    case SignatureAlgorithm::EcdsaSha256:
      return session_.signDigest(key_, pkcs11::HashAlgorithm::Sha256, sha256(data), context_pin_);
    case SignatureAlgorithm::EcdsaSha384:
      return session_.signDigest(key_, pkcs11::HashAlgorithm::Sha384, sha384(data), context_pin_);
  }
  throw Error("unsupported_algorithm", "unknown signature algorithm");
}

}  // namespace ehagent::tokens
