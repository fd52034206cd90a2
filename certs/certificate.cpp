#include "certs/certificate.hpp"

#include "core/digest.hpp"

#include <openssl/pem.h>

#include <ctime>
#include <fstream>
#include <iterator>

#include "certs/error.hpp"
#include "certs/openssl_util.hpp"

namespace ehagent::certs {
namespace {

using detail::BioPtr;
using detail::takeOpensslErrors;
using detail::toTimePoint;

std::shared_ptr<X509> share(X509* cert) { return {cert, X509_free}; }

std::string nameToString(const X509_NAME* name) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio) throw Error("certificate_invalid", "out of memory formatting a name");
  // Certificate order (not RFC 2253's reversed order), ", " between parts, UTF-8 kept as is.
  const unsigned long flags = (ASN1_STRFLGS_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) | XN_FLAG_SEP_CPLUS_SPC |
                              XN_FLAG_FN_SN | XN_FLAG_DUMP_UNKNOWN_FIELDS;
  if (X509_NAME_print_ex(bio.get(), name, 0, flags) < 0) {
    throw Error("certificate_invalid", "cannot format a name: " + takeOpensslErrors());
  }
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(len));
}

std::vector<std::string> uriNames(const GENERAL_NAMES* names) {
  std::vector<std::string> out;
  for (int i = 0; i < sk_GENERAL_NAME_num(names); ++i) {
    const GENERAL_NAME* gn = sk_GENERAL_NAME_value(names, i);
    if (gn->type != GEN_URI) continue;
    const ASN1_IA5STRING* uri = gn->d.uniformResourceIdentifier;
    out.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(uri)),
                     static_cast<std::size_t>(ASN1_STRING_length(uri)));
  }
  return out;
}

}  // namespace

Certificate Certificate::fromDer(std::span<const std::uint8_t> der) {
  const unsigned char* p = der.data();
  X509* cert = d2i_X509(nullptr, &p, static_cast<long>(der.size()));
  if (cert == nullptr) {
    throw Error("certificate_invalid", "not a DER certificate: " + takeOpensslErrors());
  }
  auto owned = share(cert);
  if (p != der.data() + der.size()) {
    throw Error("certificate_invalid", "trailing bytes after the DER certificate");
  }
  return Certificate(std::move(owned));
}

Certificate Certificate::fromPem(std::string_view pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) throw Error("certificate_invalid", "out of memory reading PEM");
  X509* cert = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr);
  if (cert == nullptr) {
    throw Error("certificate_invalid", "no PEM certificate found: " + takeOpensslErrors());
  }
  return Certificate(share(cert));
}

std::vector<Certificate> Certificate::allFromPem(std::string_view pem) {
  std::vector<Certificate> out;
  std::size_t pos = 0;
  static constexpr std::string_view begin = "-----BEGIN CERTIFICATE-----";
  while ((pos = pem.find(begin, pos)) != std::string_view::npos) {
    out.push_back(fromPem(pem.substr(pos)));
    pos += begin.size();
  }
  return out;
}

Certificate Certificate::loadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("io_error", "cannot read certificate file " + path.string());
  const std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (data.find("-----BEGIN") != std::string::npos) return fromPem(data);
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(data.data());
  return fromDer({bytes, data.size()});
}

Certificate Certificate::fromNative(const x509_st* cert) {
  if (cert == nullptr) throw Error("certificate_invalid", "no certificate");
  X509* mutableCert = const_cast<X509*>(cert);  // up_ref only touches the reference count
  if (X509_up_ref(mutableCert) != 1) throw Error("certificate_invalid", "X509_up_ref failed");
  return Certificate(share(mutableCert));
}

Certificate::Certificate(std::shared_ptr<x509_st> cert) : cert_(std::move(cert)) {
  unsigned char* out = nullptr;
  const int len = i2d_X509(cert_.get(), &out);
  if (len <= 0) throw Error("certificate_invalid", "cannot encode certificate");
  der_ = std::make_shared<const Bytes>(out, out + len);
  OPENSSL_free(out);
}

Bytes Certificate::der() const { return *der_; }

std::string Certificate::pem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_X509(bio.get(), cert_.get()) != 1) {
    throw Error("certificate_invalid", "cannot encode certificate as PEM");
  }
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(len));
}

std::string Certificate::subject() const { return nameToString(X509_get_subject_name(cert_.get())); }
std::string Certificate::issuer() const { return nameToString(X509_get_issuer_name(cert_.get())); }

std::vector<std::string> Certificate::subjectAttribute(std::string_view name) const {
  const std::string key(name);
  int nid = OBJ_sn2nid(key.c_str());
  if (nid == NID_undef) nid = OBJ_ln2nid(key.c_str());
  if (nid == NID_undef) nid = OBJ_txt2nid(key.c_str());
  std::vector<std::string> values;
  if (nid == NID_undef) return values;
  const X509_NAME* subject = X509_get_subject_name(cert_.get());
  for (int i = X509_NAME_get_index_by_NID(subject, nid, -1); i >= 0;
       i = X509_NAME_get_index_by_NID(subject, nid, i)) {
    const ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, i));
    unsigned char* utf8 = nullptr;
    const int len = ASN1_STRING_to_UTF8(&utf8, data);
    if (len < 0) continue;  // an undecodable value is skipped, not guessed at
    values.emplace_back(reinterpret_cast<char*>(utf8), static_cast<std::size_t>(len));
    OPENSSL_free(utf8);
  }
  return values;
}

namespace {
template <typename T, int (*Encode)(const T*, unsigned char**)>
Bytes encode(const T* value, const char* what) {
  unsigned char* out = nullptr;
  const int len = Encode(value, &out);
  if (len <= 0) throw Error("certificate_invalid", std::string("cannot encode the ") + what);
  Bytes bytes(out, out + len);
  OPENSSL_free(out);
  return bytes;
}
}  // namespace

Bytes Certificate::subjectDer() const {
  return encode<X509_NAME, i2d_X509_NAME>(X509_get_subject_name(cert_.get()), "subject");
}
Bytes Certificate::issuerDer() const {
  return encode<X509_NAME, i2d_X509_NAME>(X509_get_issuer_name(cert_.get()), "issuer");
}
Bytes Certificate::serialDer() const {
  return encode<ASN1_INTEGER, i2d_ASN1_INTEGER>(X509_get0_serialNumber(cert_.get()), "serial number");
}

std::string Certificate::serialHex() const {
  detail::BignumPtr bn(ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert_.get()), nullptr));
  char* hex = bn ? BN_bn2hex(bn.get()) : nullptr;
  if (hex == nullptr) throw Error("certificate_invalid", "unreadable serial number");
  std::string out(hex);
  OPENSSL_free(hex);
  return out;
}

std::string Certificate::serialDecimal() const {
  detail::BignumPtr bn(ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert_.get()), nullptr));
  char* dec = bn ? BN_bn2dec(bn.get()) : nullptr;
  if (dec == nullptr) throw Error("certificate_invalid", "unreadable serial number");
  std::string out(dec);
  OPENSSL_free(dec);
  return out;
}

TimePoint Certificate::notBefore() const { return toTimePoint(X509_get0_notBefore(cert_.get())); }
TimePoint Certificate::notAfter() const { return toTimePoint(X509_get0_notAfter(cert_.get())); }

std::string Certificate::keyAlgorithm() const {
  const EVP_PKEY* key = X509_get0_pubkey(cert_.get());
  if (key == nullptr) throw Error("certificate_invalid", "unreadable public key");
  if (EVP_PKEY_is_a(key, "RSA")) return "RSA-" + std::to_string(EVP_PKEY_get_bits(key));
  if (EVP_PKEY_is_a(key, "EC")) {
    char group[80] = {};
    std::size_t len = 0;
    if (EVP_PKEY_get_utf8_string_param(key, "group", group, sizeof group, &len) != 1) return "EC";
    const int nid = OBJ_sn2nid(group);
    const char* nist = nid == NID_undef ? nullptr : EC_curve_nid2nist(nid);
    return std::string("EC ") + (nist != nullptr ? nist : group);
  }
  const char* type = EVP_PKEY_get0_type_name(key);
  return type != nullptr ? type : "unknown";
}

KeyUsage Certificate::keyUsage() const {
  KeyUsage ku;
  const uint32_t bits = X509_get_key_usage(cert_.get());
  ku.present = (X509_get_extension_flags(cert_.get()) & EXFLAG_KUSAGE) != 0;
  ku.digitalSignature = bits & KU_DIGITAL_SIGNATURE;
  ku.nonRepudiation = bits & KU_NON_REPUDIATION;
  ku.keyEncipherment = bits & KU_KEY_ENCIPHERMENT;
  ku.dataEncipherment = bits & KU_DATA_ENCIPHERMENT;
  ku.keyAgreement = bits & KU_KEY_AGREEMENT;
  ku.keyCertSign = bits & KU_KEY_CERT_SIGN;
  ku.crlSign = bits & KU_CRL_SIGN;
  return ku;
}

bool Certificate::isCa() const { return X509_check_ca(cert_.get()) == 1 &&
                                        (X509_get_extension_flags(cert_.get()) & EXFLAG_CA) != 0; }

bool Certificate::isSelfIssued() const {
  return X509_NAME_cmp(X509_get_subject_name(cert_.get()), X509_get_issuer_name(cert_.get())) == 0;
}

Bytes Certificate::sha256Fingerprint() const { return ehagent::sha256(*der_); }
Bytes Certificate::sha1Fingerprint() const { return ehagent::digestOf(DigestAlgorithm::Sha1, *der_); }

Bytes Certificate::publicKeyDer() const {
  unsigned char* out = nullptr;
  const int len = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(cert_.get()), &out);
  if (len <= 0) throw Error("certificate_invalid", "cannot encode the public key");
  Bytes bytes(out, out + len);
  OPENSSL_free(out);
  return bytes;
}

Bytes Certificate::publicKeySha1() const {
  const ASN1_BIT_STRING* bits = X509_get0_pubkey_bitstr(cert_.get());
  if (bits == nullptr) throw Error("certificate_invalid", "unreadable public key");
  return ehagent::digestOf(DigestAlgorithm::Sha1,
                           {ASN1_STRING_get0_data(bits), static_cast<std::size_t>(ASN1_STRING_length(bits))});
}

std::vector<std::string> Certificate::ocspUrls() const {
  std::vector<std::string> out;
  auto* aia = static_cast<AUTHORITY_INFO_ACCESS*>(
      X509_get_ext_d2i(cert_.get(), NID_info_access, nullptr, nullptr));
  if (aia == nullptr) return out;
  for (int i = 0; i < sk_ACCESS_DESCRIPTION_num(aia); ++i) {
    const ACCESS_DESCRIPTION* ad = sk_ACCESS_DESCRIPTION_value(aia, i);
    if (OBJ_obj2nid(ad->method) != NID_ad_OCSP || ad->location->type != GEN_URI) continue;
    const ASN1_IA5STRING* uri = ad->location->d.uniformResourceIdentifier;
    out.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(uri)),
                     static_cast<std::size_t>(ASN1_STRING_length(uri)));
  }
  AUTHORITY_INFO_ACCESS_free(aia);
  return out;
}

std::vector<std::string> Certificate::crlUrls() const {
  std::vector<std::string> out;
  auto* points = static_cast<CRL_DIST_POINTS*>(
      X509_get_ext_d2i(cert_.get(), NID_crl_distribution_points, nullptr, nullptr));
  if (points == nullptr) return out;
  for (int i = 0; i < sk_DIST_POINT_num(points); ++i) {
    const DIST_POINT* dp = sk_DIST_POINT_value(points, i);
    if (dp->distpoint == nullptr || dp->distpoint->type != 0) continue;  // 0: fullName
    for (auto& url : uriNames(dp->distpoint->name.fullname)) out.push_back(std::move(url));
  }
  CRL_DIST_POINTS_free(points);
  return out;
}

bool operator==(const Certificate& a, const Certificate& b) {
  return X509_cmp(a.cert_.get(), b.cert_.get()) == 0;
}

std::string toHex(std::span<const std::uint8_t> bytes, std::string_view separator) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (i > 0) out += separator;
    out += digits[bytes[i] >> 4];
    out += digits[bytes[i] & 0x0f];
  }
  return out;
}

}  // namespace ehagent::certs
