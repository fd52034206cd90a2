#include "sandbox/specimen_pki.hpp"

#include <openssl/core_names.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/rand.h>

#include <stdexcept>

#include "certs/openssl_util.hpp"

namespace ehagent::sandbox {

using certs::detail::BignumPtr;
using certs::detail::BioPtr;
using certs::detail::EvpPkeyPtr;
using certs::detail::Owned;
using certs::detail::Pkcs12Ptr;
using certs::detail::X509Ptr;
using certs::detail::X509StackPtr;

namespace {

using ParamBldPtr = Owned<OSSL_PARAM_BLD, OSSL_PARAM_BLD_free>;
using ParamPtr = Owned<OSSL_PARAM, OSSL_PARAM_free>;
using PkeyCtxPtr = Owned<EVP_PKEY_CTX, EVP_PKEY_CTX_free>;
using ExtensionPtr = Owned<X509_EXTENSION, X509_EXTENSION_free>;

[[noreturn]] void opensslFailure(const std::string& what) {
  throw std::runtime_error("specimen PKI: " + what + ": " + certs::detail::takeOpensslErrors());
}

template <typename T>
T* need(T* p, const std::string& what) {
  if (!p) opensslFailure(what);
  return p;
}

void needOk(int rc, const std::string& what) {
  if (rc <= 0) opensslFailure(what);
}

template <typename Writer>
std::vector<std::uint8_t> toDer(Writer write) {
  unsigned char* out = nullptr;
  const int length = write(&out);
  if (length <= 0) opensslFailure("DER encoding");
  std::vector<std::uint8_t> der(out, out + length);
  OPENSSL_free(out);
  return der;
}

EvpPkeyPtr generateKey(KeyKind kind) {
  EVP_PKEY* key = nullptr;
  switch (kind) {
    case KeyKind::Rsa2048: key = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(2048)); break;
    case KeyKind::EcP256: key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"); break;
    case KeyKind::EcP384: key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384"); break;
  }
  return EvpPkeyPtr(need(key, "key generation"));
}

EvpPkeyPtr publicKeyFromParams(const char* type, OSSL_PARAM_BLD* builder) {
  ParamPtr params(need(OSSL_PARAM_BLD_to_param(builder), "key parameters"));
  PkeyCtxPtr ctx(need(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr), "key context"));
  needOk(EVP_PKEY_fromdata_init(ctx.get()), "EVP_PKEY_fromdata_init");
  EVP_PKEY* key = nullptr;
  needOk(EVP_PKEY_fromdata(ctx.get(), &key, EVP_PKEY_PUBLIC_KEY, params.get()), "public key from token");
  return EvpPkeyPtr(key);
}

BignumPtr toBignum(const std::vector<std::uint8_t>& bytes) {
  return BignumPtr(need(BN_bin2bn(bytes.data(), static_cast<int>(bytes.size()), nullptr), "BN_bin2bn"));
}

std::vector<std::uint8_t> fromBignum(const EVP_PKEY* key, const char* name) {
  BIGNUM* raw = nullptr;
  needOk(EVP_PKEY_get_bn_param(key, name, &raw), std::string("key component ") + name);
  BignumPtr owned(raw);
  std::vector<std::uint8_t> bytes(BN_num_bytes(raw));
  BN_bn2bin(raw, bytes.data());
  return bytes;
}

void addExtension(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  ExtensionPtr ext(need(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str()), "extension " + value));
  needOk(X509_add_ext(cert, ext.get(), -1), "X509_add_ext");
}

void addProfileExtensions(X509* cert, X509* issuer, const CertificateSpec& spec) {
  const bool ca = spec.profile == CertificateProfile::RootCa || spec.profile == CertificateProfile::IntermediateCa;
  addExtension(cert, issuer, NID_basic_constraints, ca ? "critical,CA:TRUE" : "critical,CA:FALSE");
  addExtension(cert, issuer, NID_subject_key_identifier, "hash");
  if (spec.profile != CertificateProfile::RootCa) addExtension(cert, issuer, NID_authority_key_identifier, "keyid:always");
  switch (spec.profile) {
    case CertificateProfile::RootCa:
    case CertificateProfile::IntermediateCa: addExtension(cert, issuer, NID_key_usage, "critical,keyCertSign,cRLSign"); break;
    case CertificateProfile::EidAuthentication:
      addExtension(cert, issuer, NID_key_usage, "critical,digitalSignature");
      addExtension(cert, issuer, NID_ext_key_usage, "clientAuth");
      break;
    case CertificateProfile::EidSignature: addExtension(cert, issuer, NID_key_usage, "critical,nonRepudiation"); break;
    case CertificateProfile::EHealth:
      addExtension(cert, issuer, NID_key_usage, "critical,digitalSignature,keyEncipherment");
      addExtension(cert, issuer, NID_ext_key_usage, "clientAuth");
      break;
    case CertificateProfile::TlsServer:
      addExtension(cert, issuer, NID_key_usage, "critical,digitalSignature,keyEncipherment");
      addExtension(cert, issuer, NID_ext_key_usage, "serverAuth");
      break;
    case CertificateProfile::Signing: addExtension(cert, issuer, NID_key_usage, "critical,digitalSignature"); break;
  }
  if (!spec.subjectAltNames.empty()) {
    std::string san;
    for (const auto& name : spec.subjectAltNames) san += (san.empty() ? "" : ",") + name;
    addExtension(cert, issuer, NID_subject_alt_name, san);
  }
}

std::string pemOf(X509* cert) {
  BioPtr bio(need(BIO_new(BIO_s_mem()), "BIO_new"));
  needOk(PEM_write_bio_X509(bio.get(), cert), "PEM_write_bio_X509");
  char* data = nullptr;
  const long length = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(length));
}

std::string pemOf(EVP_PKEY* key) {
  BioPtr bio(need(BIO_new(BIO_s_mem()), "BIO_new"));
  needOk(PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr), "PEM_write_bio_PrivateKey");
  char* data = nullptr;
  const long length = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(length));
}

}  // namespace

struct Pki::Impl {
  struct Entry {
    X509Ptr cert;
    EvpPkeyPtr key;  // null when the key lives on a token
    std::string issuer;
    Issued issued;
  };
  std::map<std::string, Entry> entries;

  const Entry& entry(const std::string& name) const {
    auto it = entries.find(name);
    if (it == entries.end()) throw std::runtime_error("specimen PKI: no certificate named " + name);
    return it->second;
  }

  const Issued& issue(const CertificateSpec& spec, EVP_PKEY* subjectKey, EvpPkeyPtr ownedKey) {
    const bool selfSigned = spec.issuer.empty();
    const Entry* issuer = selfSigned ? nullptr : &entry(spec.issuer);
    if (issuer && !issuer->key) throw std::runtime_error("specimen PKI: issuer " + spec.issuer + " has no key here");

    X509Ptr cert(need(X509_new(), "X509_new"));
    needOk(X509_set_version(cert.get(), 2), "X509_set_version");
    unsigned char serial[16];
    needOk(RAND_bytes(serial, sizeof serial), "RAND_bytes");
    serial[0] &= 0x7f;  // a positive INTEGER
    BignumPtr serialBn(need(BN_bin2bn(serial, sizeof serial, nullptr), "BN_bin2bn"));
    need(BN_to_ASN1_INTEGER(serialBn.get(), X509_get_serialNumber(cert.get())), "serial");
    need(X509_gmtime_adj(X509_getm_notBefore(cert.get()), -86400), "notBefore");
    need(X509_gmtime_adj(X509_getm_notAfter(cert.get()), 86400L * spec.validDays), "notAfter");

    X509_NAME* subject = X509_get_subject_name(cert.get());
    for (const auto& [field, value] : spec.subject) {
      needOk(X509_NAME_add_entry_by_txt(subject, field.c_str(), MBSTRING_UTF8,
                                        reinterpret_cast<const unsigned char*>(value.c_str()), -1, -1, 0),
             "subject field " + field);
    }
    needOk(X509_set_issuer_name(cert.get(), selfSigned ? subject : X509_get_subject_name(issuer->cert.get())),
           "X509_set_issuer_name");
    needOk(X509_set_pubkey(cert.get(), subjectKey), "X509_set_pubkey");
    X509* issuerCert = selfSigned ? cert.get() : issuer->cert.get();
    addProfileExtensions(cert.get(), issuerCert, spec);
    EVP_PKEY* signingKey = selfSigned ? ownedKey.get() : issuer->key.get();
    needOk(X509_sign(cert.get(), signingKey, EVP_sha256()), "X509_sign");

    Entry fresh;
    fresh.issuer = spec.issuer;
    fresh.issued.certificateDer = toDer([&](unsigned char** out) { return i2d_X509(cert.get(), out); });
    fresh.issued.subjectDer = toDer([&](unsigned char** out) { return i2d_X509_NAME(X509_get_subject_name(cert.get()), out); });
    fresh.issued.issuerDer = toDer([&](unsigned char** out) { return i2d_X509_NAME(X509_get_issuer_name(cert.get()), out); });
    fresh.issued.serialDer =
        toDer([&](unsigned char** out) { return i2d_ASN1_INTEGER(X509_get_serialNumber(cert.get()), out); });
    fresh.issued.certificatePem = pemOf(cert.get());
    if (ownedKey) fresh.issued.privateKeyPem = pemOf(ownedKey.get());
    fresh.cert = std::move(cert);
    fresh.key = std::move(ownedKey);
    entries.insert_or_assign(spec.name, std::move(fresh));
    return entries.at(spec.name).issued;
  }
};

Pki::Pki() : impl_(std::make_unique<Impl>()) {}
Pki::~Pki() = default;

const Issued& Pki::issue(const CertificateSpec& spec) {
  auto key = generateKey(spec.key);
  EVP_PKEY* raw = key.get();
  return impl_->issue(spec, raw, std::move(key));
}

const Issued& Pki::issueForRsaKey(const CertificateSpec& spec, const pkcs11::RsaPublicKey& key) {
  ParamBldPtr builder(need(OSSL_PARAM_BLD_new(), "OSSL_PARAM_BLD_new"));
  auto n = toBignum(key.modulus);
  auto e = toBignum(key.publicExponent);
  needOk(OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_N, n.get()), "RSA modulus");
  needOk(OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_E, e.get()), "RSA exponent");
  auto pub = publicKeyFromParams("RSA", builder.get());
  return impl_->issue(spec, pub.get(), nullptr);
}

const Issued& Pki::issueForEcKey(const CertificateSpec& spec, const pkcs11::EcPublicKey& key) {
  // CKA_EC_POINT is a DER OCTET STRING around the uncompressed point (short-form length for the
  // curves used here).
  const auto& point = key.point;
  if (point.size() < 3 || point[0] != 0x04 || point[1] != point.size() - 2) {
    throw std::runtime_error("specimen PKI: unexpected CKA_EC_POINT encoding");
  }
  const char* group = key.params == pkcs11::p384Params() ? "P-384" : key.params == pkcs11::p256Params() ? "P-256" : nullptr;
  if (!group) throw std::runtime_error("specimen PKI: unsupported EC curve");
  ParamBldPtr builder(need(OSSL_PARAM_BLD_new(), "OSSL_PARAM_BLD_new"));
  needOk(OSSL_PARAM_BLD_push_utf8_string(builder.get(), OSSL_PKEY_PARAM_GROUP_NAME, group, 0), "EC group");
  needOk(OSSL_PARAM_BLD_push_octet_string(builder.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data() + 2, point.size() - 2),
         "EC point");
  auto pub = publicKeyFromParams("EC", builder.get());
  return impl_->issue(spec, pub.get(), nullptr);
}

const Issued& Pki::get(const std::string& name) const { return impl_->entry(name).issued; }

pkcs11::RsaPrivateKey Pki::rsaComponents(const std::string& name) const {
  const auto& e = impl_->entry(name);
  if (!e.key) throw std::runtime_error("specimen PKI: " + name + " has no private key here");
  const EVP_PKEY* key = e.key.get();
  return {fromBignum(key, OSSL_PKEY_PARAM_RSA_N),         fromBignum(key, OSSL_PKEY_PARAM_RSA_E),
          fromBignum(key, OSSL_PKEY_PARAM_RSA_D),         fromBignum(key, OSSL_PKEY_PARAM_RSA_FACTOR1),
          fromBignum(key, OSSL_PKEY_PARAM_RSA_FACTOR2),   fromBignum(key, OSSL_PKEY_PARAM_RSA_EXPONENT1),
          fromBignum(key, OSSL_PKEY_PARAM_RSA_EXPONENT2), fromBignum(key, OSSL_PKEY_PARAM_RSA_COEFFICIENT1)};
}

std::vector<std::uint8_t> Pki::pkcs12(const std::string& name, const std::string& alias,
                                      const std::string& password) const {
  const auto& leaf = impl_->entry(name);
  if (!leaf.key) throw std::runtime_error("specimen PKI: " + name + " has no private key here");
  X509StackPtr chain(need(sk_X509_new_null(), "sk_X509_new_null"));
  for (std::string up = leaf.issuer; !up.empty();) {
    const auto& ca = impl_->entry(up);
    X509Ptr copy(need(X509_dup(ca.cert.get()), "X509_dup"));
    needOk(sk_X509_push(chain.get(), copy.get()), "sk_X509_push");
    copy.release();  // adopted: the stack frees it
    up = ca.issuer;
  }
  Pkcs12Ptr p12(need(PKCS12_create(password.c_str(), alias.c_str(), leaf.key.get(), leaf.cert.get(), chain.get(), 0, 0,
                                   0, 0, 0),
                     "PKCS12_create"));
  return toDer([&](unsigned char** out) { return i2d_PKCS12(p12.get(), out); });
}

}  // namespace ehagent::sandbox
