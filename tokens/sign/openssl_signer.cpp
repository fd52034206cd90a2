#include "tokens/sign/openssl_signer.hpp"
#include "core/file.hpp"

#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <cstring>
#include <fstream>
#include <sstream>

#include "tokens/sign/crypto.hpp"
#include "tokens/error.hpp"
#include "tokens/sign/ossl.hpp"

namespace ehagent::tokens {

using detail::takeOpensslErrors;

namespace {
using BioPtr = detail::Owned<BIO, BIO_free_all>;

// OpenSSL hands us its buffer; the Secret is copied in and never formatted anywhere.
extern "C" int passwordCallback(char* buf, int size, int /*rwflag*/, void* user) noexcept {
  const auto* secret = static_cast<const Secret*>(user);
  if (secret == nullptr || secret->size() > std::size_t(size)) return -1;
  std::memcpy(buf, secret->data(), secret->size());
  return int(secret->size());
}
}  // namespace

OpenSslSigner::OpenSslSigner(evp_pkey_st* key, certs::Certificate certificate)
    : certificate_(std::move(certificate)), default_(defaultAlgorithmFor(certificate_)) {
  if (key == nullptr || EVP_PKEY_up_ref(key) != 1) throw Error("crypto_error", "no private key");
  key_.reset(key, EVP_PKEY_free);
  const EVP_PKEY* pub = X509_get0_pubkey(certificate_.native());
  if (pub == nullptr || EVP_PKEY_eq(key, pub) != 1) {
    ERR_clear_error();
    throw Error("crypto_error", "the private key does not match the certificate");
  }
}

OpenSslSigner OpenSslSigner::fromPem(std::string_view key_pem, const certs::Certificate& cert,
                                     const Secret* password) {
  BioPtr bio(BIO_new_mem_buf(key_pem.data(), int(key_pem.size())));
  if (!bio) throw Error("crypto_error", "BIO_new_mem_buf failed");
  detail::EvpPkeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, passwordCallback,
                                                 const_cast<Secret*>(password)));
  if (!key) throw Error("crypto_error", "cannot read the PEM private key: " + takeOpensslErrors());
  return OpenSslSigner(key.get(), cert);
}

OpenSslSigner OpenSslSigner::fromPemFile(const std::filesystem::path& key_pem, const certs::Certificate& cert,
                                         const Secret* password) {
  const auto text = readFile(key_pem);
  if (!text) throw Error("crypto_error", "cannot open private key file " + key_pem.string());
  return fromPem(*text, cert, password);
}

std::vector<std::uint8_t> OpenSslSigner::sign(std::span<const std::uint8_t> data, SignatureAlgorithm alg) {
  const bool ec = EVP_PKEY_is_a(key_.get(), "EC") == 1;
  if (isEcdsa(alg) != ec)
    throw Error("unsupported_algorithm", std::string(jwsName(alg)) + " does not fit this key type");
  const detail::EvpMdCtxPtr ctx = detail::digestContext(key_.get(), alg, true, "signing_failed");
  std::size_t len = 0;
  if (EVP_DigestSign(ctx.get(), nullptr, &len, data.data(), data.size()) != 1)
    throw Error("signing_failed", "EVP_DigestSign failed: " + takeOpensslErrors());
  std::vector<std::uint8_t> sig(len);
  if (EVP_DigestSign(ctx.get(), sig.data(), &len, data.data(), data.size()) != 1)
    throw Error("signing_failed", "EVP_DigestSign failed: " + takeOpensslErrors());
  sig.resize(len);
  if (ec) return ecdsaDerToRaw(sig, std::size_t(EVP_PKEY_get_bits(key_.get()) + 7) / 8);
  return sig;
}

}  // namespace ehagent::tokens
