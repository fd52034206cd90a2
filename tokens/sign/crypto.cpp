#include "tokens/sign/crypto.hpp"

#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "tokens/error.hpp"
#include "tokens/sign/ossl.hpp"

namespace ehagent::tokens {

using detail::takeOpensslErrors;

detail::EvpMdCtxPtr detail::digestContext(EVP_PKEY* key, SignatureAlgorithm alg, bool sign, const char* code) {
  const EVP_MD* md = alg == SignatureAlgorithm::EcdsaSha384 ? EVP_sha384() : EVP_sha256();
  EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;  // owned by ctx
  const int init = !ctx  ? 0
                   : sign ? EVP_DigestSignInit(ctx.get(), &pctx, md, nullptr, key)
                          : EVP_DigestVerifyInit(ctx.get(), &pctx, md, nullptr, key);
  if (init != 1) throw Error(code, "EVP_Digest{Sign,Verify}Init failed: " + takeOpensslErrors());
  if (alg == SignatureAlgorithm::RsaPssSha256 &&
      (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
       EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) != 1 ||
       EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, EVP_sha256()) != 1))
    throw Error(code, "PSS parameters refused: " + takeOpensslErrors());
  return ctx;
}

namespace {

EVP_PKEY* certKey(const certs::Certificate& cert) {
  EVP_PKEY* key = X509_get0_pubkey(cert.native());
  if (key == nullptr) throw Error("crypto_error", "certificate has no usable public key");
  return key;
}

void requireKeyFits(EVP_PKEY* key, SignatureAlgorithm alg) {
  const bool rsa = EVP_PKEY_is_a(key, "RSA") == 1;
  const bool ec = EVP_PKEY_is_a(key, "EC") == 1;
  if (isEcdsa(alg) ? !ec : !rsa)
    throw Error("unsupported_algorithm", "the certificate's key type does not fit the algorithm");
}
}  // namespace

Bytes digestFor(SignatureAlgorithm alg, std::span<const std::uint8_t> data) {
  return alg == SignatureAlgorithm::EcdsaSha384 ? sha384(data) : sha256(data);
}

Bytes ecdsaDerToRaw(std::span<const std::uint8_t> der, std::size_t half_bytes) {
  const unsigned char* p = der.data();
  detail::EcdsaSigPtr sig(d2i_ECDSA_SIG(nullptr, &p, long(der.size())));
  if (!sig || p != der.data() + der.size())
    throw Error("crypto_error", "malformed ECDSA signature");
  const BIGNUM* r = nullptr;
  const BIGNUM* s = nullptr;
  ECDSA_SIG_get0(sig.get(), &r, &s);
  Bytes raw(half_bytes * 2);
  if (BN_bn2binpad(r, raw.data(), int(half_bytes)) < 0 ||
      BN_bn2binpad(s, raw.data() + half_bytes, int(half_bytes)) < 0)
    throw Error("crypto_error", "ECDSA signature does not fit the curve size");
  return raw;
}

Bytes ecdsaRawToDer(std::span<const std::uint8_t> raw) {
  if (raw.empty() || raw.size() % 2 != 0) throw Error("crypto_error", "raw ECDSA signature has odd length");
  const int half = int(raw.size() / 2);
  detail::BignumPtr r(BN_bin2bn(raw.data(), half, nullptr));
  detail::BignumPtr s(BN_bin2bn(raw.data() + half, half, nullptr));
  detail::EcdsaSigPtr sig(ECDSA_SIG_new());
  if (!r || !s || !sig) throw Error("crypto_error", "out of memory: " + takeOpensslErrors());
  if (ECDSA_SIG_set0(sig.get(), r.get(), s.get()) != 1)
    throw Error("crypto_error", "ECDSA_SIG_set0 failed: " + takeOpensslErrors());
  // adopted: the ECDSA_SIG owns r and s now
  r.release();
  s.release();
  const int len = i2d_ECDSA_SIG(sig.get(), nullptr);
  if (len <= 0) throw Error("crypto_error", "i2d_ECDSA_SIG failed: " + takeOpensslErrors());
  Bytes der(static_cast<std::size_t>(len));
  unsigned char* out = der.data();
  if (i2d_ECDSA_SIG(sig.get(), &out) != len) throw Error("crypto_error", "i2d_ECDSA_SIG failed");
  return der;
}

std::size_t ecdsaHalfBytes(const certs::Certificate& cert) {
  EVP_PKEY* key = certKey(cert);
  if (EVP_PKEY_is_a(key, "EC") != 1) throw Error("unsupported_algorithm", "not an EC key");
  return std::size_t(EVP_PKEY_get_bits(key) + 7) / 8;
}

bool verifySignature(const certs::Certificate& cert, std::span<const std::uint8_t> data,
                     std::span<const std::uint8_t> signature, SignatureAlgorithm alg) {
  EVP_PKEY* key = certKey(cert);
  requireKeyFits(key, alg);
  Bytes der;
  std::span<const std::uint8_t> sig = signature;
  if (isEcdsa(alg)) {
    const std::size_t half = std::size_t(EVP_PKEY_get_bits(key) + 7) / 8;
    if (signature.size() != 2 * half) return false;
    der = ecdsaRawToDer(signature);
    sig = der;
  }
  const detail::EvpMdCtxPtr ctx = detail::digestContext(key, alg, false, "crypto_error");
  const int rc = EVP_DigestVerify(ctx.get(), sig.data(), sig.size(), data.data(), data.size());
  ERR_clear_error();  // a plain mismatch leaves an error queued that would confuse a later call
  return rc == 1;
}

}  // namespace ehagent::tokens
