#pragma once
// A Signer over a SoftHSM key for the benchmark, timing each C_Sign so the agent's own work can
// be set against the token's. (Production signs through tokens' PKCS#11 Signer.)
#include <chrono>

#include "pkcs11/session.hpp"
#include "tokens/crypto.hpp"
#include "tokens/signer.hpp"

namespace ehagent::bench {

class TimedTokenSigner final : public tokens::Signer {
 public:
  TimedTokenSigner(pkcs11::Session& session, pkcs11::ObjectHandle key, certs::Certificate cert)
      : session_(session), key_(key), cert_(std::move(cert)), default_(tokens::defaultAlgorithmFor(cert_)) {}

  std::vector<std::uint8_t> sign(std::span<const std::uint8_t> data, tokens::SignatureAlgorithm alg) override {
    const auto digest = tokens::digestFor(alg, data);
    const auto hash = alg == tokens::SignatureAlgorithm::EcdsaSha384 ? pkcs11::HashAlgorithm::Sha384
                                                                     : pkcs11::HashAlgorithm::Sha256;
    const auto start = std::chrono::steady_clock::now();
    auto signature = session_.signDigest(key_, hash, digest);
    sign_time += std::chrono::steady_clock::now() - start;
    ++signs;
    return signature;
  }
  const certs::Certificate& certificate() const override { return cert_; }
  tokens::SignatureAlgorithm defaultAlgorithm() const override { return default_; }

  std::chrono::steady_clock::duration sign_time{};
  int signs = 0;

 private:
  pkcs11::Session& session_;
  pkcs11::ObjectHandle key_;
  certs::Certificate cert_;
  tokens::SignatureAlgorithm default_;
};

}  // namespace ehagent::bench
