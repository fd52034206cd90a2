#pragma once
// A Signer over an OpenSSL private key. The sandbox STS and the tests sign with it; production
// signs with Pkcs11Signer.
#include <filesystem>
#include <memory>
#include <string_view>

#include "core/secret.hpp"
#include "tokens/sign/signer.hpp"

struct evp_pkey_st;  // OpenSSL's EVP_PKEY, kept out of this header

namespace ehagent::tokens {

class OpenSslSigner final : public Signer {
 public:
  // Takes a reference of its own to `key`; the caller keeps its EVP_PKEY.
  // Throws Error("crypto_error") when the key does not match the certificate.
  OpenSslSigner(evp_pkey_st* key, certs::Certificate certificate);
  // A PEM private key (PKCS#8 or traditional), optionally encrypted with `password`.
  static OpenSslSigner fromPemFile(const std::filesystem::path& key_pem, const certs::Certificate& cert,
                                   const Secret* password = nullptr);
  static OpenSslSigner fromPem(std::string_view key_pem, const certs::Certificate& cert,
                               const Secret* password = nullptr);

  std::vector<std::uint8_t> sign(std::span<const std::uint8_t> data, SignatureAlgorithm alg) override;
  const certs::Certificate& certificate() const override { return certificate_; }
  SignatureAlgorithm defaultAlgorithm() const override { return default_; }

 private:
  std::shared_ptr<evp_pkey_st> key_;
  certs::Certificate certificate_;
  SignatureAlgorithm default_;
};

}  // namespace ehagent::tokens
