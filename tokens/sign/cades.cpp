#include "tokens/sign/cades.hpp"

#include <openssl/cms.h>
#include <openssl/x509.h>

#include <algorithm>
#include <ctime>

#include "tokens/sign/crypto.hpp"
#include "tokens/error.hpp"
#include "tokens/sign/ossl.hpp"

namespace ehagent::tokens {
namespace {

using detail::Owned;
using CmsPtr = Owned<CMS_ContentInfo, CMS_ContentInfo_free>;
using Asn1TimePtr = Owned<ASN1_TIME, ASN1_TIME_free>;
using X509Ptr = Owned<X509, X509_free>;

[[noreturn]] void fail(const char* what) {
  throw Error("crypto_error", std::string("CAdES: ") + what + ": " + detail::takeOpensslErrors());
}

X509Ptr toX509(const certs::Certificate& cert) {
  X509Ptr x(X509_dup(cert.native()));
  if (!x) fail("copying a certificate");
  return x;
}

// DER of one ASN.1 length.
void appendLength(std::vector<std::uint8_t>& out, std::size_t n) {
  if (n < 0x80) {
    out.push_back(static_cast<std::uint8_t>(n));
    return;
  }
  std::vector<std::uint8_t> bytes;
  for (; n > 0; n >>= 8) bytes.insert(bytes.begin(), static_cast<std::uint8_t>(n & 0xff));
  out.push_back(static_cast<std::uint8_t>(0x80 | bytes.size()));
  out.insert(out.end(), bytes.begin(), bytes.end());
}

// The signature covers the signed attributes as a DER SET OF (tag 0x31, RFC 5652 5.4), whose
// elements DER sorts by their encodings; OpenSSL writes the [0] IMPLICIT field in the same order.
std::vector<std::uint8_t> signedAttributesDer(CMS_SignerInfo* si) {
  std::vector<std::vector<std::uint8_t>> encoded;
  const int count = CMS_signed_get_attr_count(si);
  if (count <= 0) fail("no signed attributes");
  for (int i = 0; i < count; ++i) {
    X509_ATTRIBUTE* attr = CMS_signed_get_attr(si, i);
    unsigned char* der = nullptr;
    const int len = i2d_X509_ATTRIBUTE(attr, &der);
    if (len <= 0) fail("encoding a signed attribute");
    encoded.emplace_back(der, der + len);
    OPENSSL_free(der);
  }
  std::sort(encoded.begin(), encoded.end());
  std::vector<std::uint8_t> body;
  for (const auto& e : encoded) body.insert(body.end(), e.begin(), e.end());
  std::vector<std::uint8_t> out{0x31};
  appendLength(out, body.size());
  out.insert(out.end(), body.begin(), body.end());
  return out;
}

SignatureAlgorithm algorithmFor(const Signer& signer) {
  // CMS names RSA PKCS#1 v1.5 by the key (rsaEncryption); PSS would need parameters a hub may not
  // read, so an RSA key signs v1.5 here whatever its default.
  const auto alg = signer.defaultAlgorithm();
  return alg == SignatureAlgorithm::RsaPssSha256 ? SignatureAlgorithm::RsaSha256 : alg;
}

}  // namespace

std::vector<std::uint8_t> signCadesBes(std::span<const std::uint8_t> content, Signer& signer,
                                       const CadesOptions& options) {
  const auto alg = algorithmFor(signer);
  const EVP_MD* md = alg == SignatureAlgorithm::EcdsaSha384 ? EVP_sha384() : EVP_sha256();
  const unsigned flags = CMS_PARTIAL | CMS_BINARY | CMS_CADES | CMS_NOSMIMECAP |
                         (options.detached ? CMS_DETACHED : 0u);

  CmsPtr cms(CMS_sign(nullptr, nullptr, nullptr, nullptr, flags));
  if (!cms) fail("creating SignedData");
  X509Ptr cert = toX509(signer.certificate());
  // The public key stands in for the private one: OpenSSL only checks that it matches the
  // certificate and takes the algorithm identifiers from it. No signing happens inside OpenSSL.
  EVP_PKEY* publicKey = X509_get0_pubkey(cert.get());
  if (!publicKey) fail("reading the signer's public key");
  CMS_SignerInfo* si = CMS_add1_signer(cms.get(), cert.get(), publicKey, md, flags);
  if (!si) fail("adding the signer (signing-certificate-v2)");
  for (const auto& c : options.chain) {
    X509Ptr extra = toX509(c);
    if (!CMS_add1_cert(cms.get(), extra.get())) fail("adding a chain certificate");
  }

  Asn1TimePtr when(ASN1_TIME_set(nullptr, std::chrono::system_clock::to_time_t(options.signingTime)));
  if (!when) fail("encoding the signing time");
  if (!CMS_signed_add1_attr_by_NID(si, NID_pkcs9_signingTime, when->type, when.get(), -1)) {
    fail("adding signing-time");
  }
  if (!CMS_signed_add1_attr_by_NID(si, NID_pkcs9_contentType, V_ASN1_OBJECT,
                                   OBJ_nid2obj(NID_pkcs7_data), -1)) {
    fail("adding content-type");
  }
  const Bytes digest = alg == SignatureAlgorithm::EcdsaSha384 ? sha384(content) : sha256(content);
  if (!CMS_signed_add1_attr_by_NID(si, NID_pkcs9_messageDigest, V_ASN1_OCTET_STRING, digest.data(),
                                   static_cast<int>(digest.size()))) {
    fail("adding message-digest");
  }

  const auto toBeSigned = signedAttributesDer(si);
  Bytes signature = signer.sign(toBeSigned, alg);
  if (isEcdsa(alg)) signature = ecdsaRawToDer(signature);  // CMS carries ECDSA-Sig-Value
  ASN1_OCTET_STRING* value = CMS_SignerInfo_get0_signature(si);
  if (!value || !ASN1_STRING_set(value, signature.data(), static_cast<int>(signature.size()))) {
    fail("storing the signature value");
  }

  if (!options.detached) {
    ASN1_OCTET_STRING** slot = CMS_get0_content(cms.get());
    if (!slot) fail("locating the content");
    if (!*slot) *slot = ASN1_OCTET_STRING_new();  // adopted: the SignedData owns it
    if (!*slot || !ASN1_STRING_set(*slot, content.data(), static_cast<int>(content.size()))) {
      fail("storing the content");
    }
  }

  unsigned char* der = nullptr;
  const int len = i2d_CMS_ContentInfo(cms.get(), &der);
  if (len <= 0) fail("encoding the ContentInfo");
  std::vector<std::uint8_t> out(der, der + len);
  OPENSSL_free(der);
  return out;
}

}  // namespace ehagent::tokens
