#pragma once
// A Signer over a key on a PKCS#11 token (the eID card, the eHealth token). Thin by design: it
// picks the mechanism, hashes on the host where the card wants it, and lets pkcs11/ do the rest.
//   RsaSha256     CKM_RSA_PKCS over a host-built DigestInfo (every beid applet has it)
//   RsaPssSha256  CKM_SHA256_RSA_PKCS_PSS, MGF1-SHA-256, salt 32
//   EcdsaSha256/384  CKM_ECDSA over a host hash; the token returns raw r||s
// pkcs11::Error (PIN incorrect, card removed, cancelled, ...) passes through unchanged so that
// callers can tell retriable card errors from fatal ones.
#include "core/secret.hpp"
#include "pkcs11/session.hpp"
#include "tokens/sign/signer.hpp"

namespace ehagent::tokens {

class Pkcs11Signer final : public Signer {
 public:
  // `session` (logged in) must outlive this Signer; the card queue owns both. `context_pin`, when
  // given, answers CKA_ALWAYS_AUTHENTICATE keys (the eID Signature key) and must outlive it too.
  // The key's facts and the certificate's algorithm are read here, once, not for each signature.
  Pkcs11Signer(pkcs11::Session& session, pkcs11::ObjectHandle key, certs::Certificate certificate,
               const Secret* context_pin = nullptr);
  Pkcs11Signer(pkcs11::Session& session, pkcs11::KeyFacts key, certs::Certificate certificate,
               const Secret* context_pin = nullptr);

  std::vector<std::uint8_t> sign(std::span<const std::uint8_t> data, SignatureAlgorithm alg) override;
  const certs::Certificate& certificate() const override { return certificate_; }
  SignatureAlgorithm defaultAlgorithm() const override { return default_; }

 private:
  pkcs11::Session& session_;
  pkcs11::KeyFacts key_;
  certs::Certificate certificate_;
  const Secret* context_pin_;
  SignatureAlgorithm default_;
  bool ec_key_;
};

}  // namespace ehagent::tokens
