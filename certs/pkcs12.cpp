#include "certs/pkcs12.hpp"

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/provider.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <mutex>
#include <optional>

#include "certs/error.hpp"
#include "certs/openssl_util.hpp"

namespace ehagent::certs {
using namespace detail;

namespace {

using SafeBagStackPtr = Owned<STACK_OF(PKCS12_SAFEBAG), [](STACK_OF(PKCS12_SAFEBAG) * s) {
  sk_PKCS12_SAFEBAG_pop_free(s, PKCS12_SAFEBAG_free);
}>;
using Pkcs7StackPtr =
    Owned<STACK_OF(PKCS7), [](STACK_OF(PKCS7) * s) { sk_PKCS7_pop_free(s, PKCS7_free); }>;
using Pkcs8Ptr = Owned<PKCS8_PRIV_KEY_INFO, PKCS8_PRIV_KEY_INFO_free>;

// Keystores made by Java tools and older OpenSSL encrypt with RC2 or 40-bit schemes that
// OpenSSL 3 keeps in its legacy provider.
// The provider stays loaded for the life of the process; its handle is kept so that it stays
// reachable (leak checkers otherwise report OpenSSL's provider state as lost at exit).
void loadLegacyProviderOnce() {
  static std::once_flag once;
  [[maybe_unused]] static OSSL_PROVIDER* legacy = nullptr;
  std::call_once(once, [] {
    legacy = OSSL_PROVIDER_try_load(nullptr, "legacy", 1);
    ERR_clear_error();
  });
}

struct Password {
  const char* data;
  int length;
};

struct Bag {
  std::string alias;
  Bytes localKeyId;
  EvpPkeyPtr key;
  std::optional<Certificate> cert;
};

std::string friendlyName(PKCS12_SAFEBAG* bag) {
  char* name = PKCS12_get_friendlyname(bag);
  if (name == nullptr) return {};
  std::string out(name);
  OPENSSL_free(name);
  return out;
}

Bytes localKeyId(const PKCS12_SAFEBAG* bag) {
  const ASN1_TYPE* attr = PKCS12_SAFEBAG_get0_attr(bag, NID_localKeyID);
  if (attr == nullptr || attr->type != V_ASN1_OCTET_STRING) return {};
  const ASN1_OCTET_STRING* os = attr->value.octet_string;
  const unsigned char* p = ASN1_STRING_get0_data(os);
  return Bytes(p, p + ASN1_STRING_length(os));
}

void readBags(const STACK_OF(PKCS12_SAFEBAG) * bags, Password pw, std::vector<Bag>& out) {
  for (int i = 0; i < sk_PKCS12_SAFEBAG_num(bags); ++i) {
    PKCS12_SAFEBAG* bag = sk_PKCS12_SAFEBAG_value(bags, i);
    Bag entry{friendlyName(bag), localKeyId(bag), nullptr, std::nullopt};
    switch (PKCS12_SAFEBAG_get_nid(bag)) {
      case NID_keyBag: {
        entry.key.reset(EVP_PKCS82PKEY(PKCS12_SAFEBAG_get0_p8inf(bag)));
        if (!entry.key) throw Error("p12_invalid", "unreadable private key: " + takeOpensslErrors());
        break;
      }
      case NID_pkcs8ShroudedKeyBag: {
        Pkcs8Ptr p8(PKCS12_decrypt_skey(bag, pw.data, pw.length));
        if (!p8) throw Error("p12_invalid", "cannot decrypt a private key: " + takeOpensslErrors());
        entry.key.reset(EVP_PKCS82PKEY(p8.get()));
        if (!entry.key) throw Error("p12_invalid", "unreadable private key: " + takeOpensslErrors());
        break;
      }
      case NID_certBag: {
        if (PKCS12_SAFEBAG_get_bag_nid(bag) != NID_x509Certificate) continue;
        X509Ptr x(PKCS12_SAFEBAG_get1_cert(bag));
        if (!x) throw Error("p12_invalid", "unreadable certificate: " + takeOpensslErrors());
        entry.cert = Certificate::fromNative(x.get());
        break;
      }
      case NID_safeContentsBag:
        readBags(PKCS12_SAFEBAG_get0_safes(bag), pw, out);
        continue;
      default:
        continue;  // CRL and secret bags carry nothing we import
    }
    out.push_back(std::move(entry));
  }
}

std::vector<Bag> readAllBags(const PKCS12* p12, Password pw) {
  Pkcs7StackPtr safes(PKCS12_unpack_authsafes(p12));
  if (!safes) throw Error("p12_invalid", "damaged PKCS#12 contents: " + takeOpensslErrors());
  std::vector<Bag> bags;
  for (int i = 0; i < sk_PKCS7_num(safes.get()); ++i) {
    PKCS7* p7 = sk_PKCS7_value(safes.get(), i);
    SafeBagStackPtr contents;
    const int type = OBJ_obj2nid(p7->type);
    if (type == NID_pkcs7_data) {
      contents.reset(PKCS12_unpack_p7data(p7));
    } else if (type == NID_pkcs7_encrypted) {
      contents.reset(PKCS12_unpack_p7encdata(p7, pw.data, pw.length));
    } else {
      continue;
    }
    if (!contents) throw Error("p12_invalid", "cannot decrypt PKCS#12 contents: " + takeOpensslErrors());
    readBags(contents.get(), pw, bags);
  }
  return bags;
}

bool sameKey(const EVP_PKEY* a, const X509* cert) {
  const EVP_PKEY* b = X509_get0_pubkey(cert);
  return b != nullptr && EVP_PKEY_eq(a, b) == 1;
}

Bytes bnParam(const EVP_PKEY* key, const char* name, int padTo = 0) {
  BIGNUM* raw = nullptr;
  if (EVP_PKEY_get_bn_param(key, name, &raw) != 1) {
    throw Error("p12_invalid", std::string("the private key lacks ") + name);
  }
  BignumPtr bn(raw);
  Bytes out(static_cast<std::size_t>(std::max(padTo, BN_num_bytes(bn.get()))));
  const int len = padTo > 0 ? BN_bn2binpad(bn.get(), out.data(), padTo) : BN_bn2bin(bn.get(), out.data());
  if (len < 0) throw Error("p12_invalid", std::string("cannot encode ") + name);
  out.resize(static_cast<std::size_t>(len));
  return out;
}

}  // namespace

PrivateKeyComponents::~PrivateKeyComponents() {
  for (Bytes* b : {&modulus, &publicExponent, &privateExponent, &prime1, &prime2, &exponent1,
                   &exponent2, &coefficient, &ecParams, &ecPrivateValue, &ecPoint}) {
    if (!b->empty()) OPENSSL_cleanse(b->data(), b->size());
  }
}

Pkcs12 Pkcs12::load(const std::filesystem::path& file, const Secret& password) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw Error("io_error", "cannot read keystore " + file.string());
  const std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return parse({reinterpret_cast<const std::uint8_t*>(data.data()), data.size()}, password);
}

Pkcs12 Pkcs12::parse(std::span<const std::uint8_t> der, const Secret& password) {
  loadLegacyProviderOnce();
  const unsigned char* p = der.data();
  Pkcs12Ptr p12(d2i_PKCS12(nullptr, &p, static_cast<long>(der.size())));
  if (!p12) {
    throw Error("p12_invalid", "not a PKCS#12 keystore, or a damaged or truncated one: " +
                                   takeOpensslErrors());
  }
  Password pw{password.data(), static_cast<int>(password.size())};
  if (PKCS12_mac_present(p12.get()) == 1) {
    // Tools disagree on whether an empty password means "" or no password at all.
    if (PKCS12_verify_mac(p12.get(), pw.data, pw.length) != 1) {
      if (pw.length == 0 && PKCS12_verify_mac(p12.get(), nullptr, 0) == 1) {
        pw.data = nullptr;
      } else {
        takeOpensslErrors();
        throw Error("p12_password", "the keystore password is wrong");
      }
    }
  }
  std::vector<Bag> bags = readAllBags(p12.get(), pw);

  Pkcs12 out;
  for (const auto& b : bags) {
    if (!b.alias.empty() && std::find(out.aliases_.begin(), out.aliases_.end(), b.alias) == out.aliases_.end()) {
      out.aliases_.push_back(b.alias);
    }
  }
  auto isAuthentication = [](const Bag& b) {
    std::string lower = b.alias;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    return lower == authentication_alias;
  };
  auto keyBag = std::find_if(bags.begin(), bags.end(),
                             [&](const Bag& b) { return b.key && isAuthentication(b); });
  if (keyBag == bags.end()) {
    std::string names;
    for (const auto& a : out.aliases_) names += (names.empty() ? "" : ", ") + a;
    throw Error("p12_no_authentication", "the keystore has no \"authentication\" key (aliases: " +
                                             (names.empty() ? "none" : names) + ")");
  }
  const EVP_PKEY* key = keyBag->key.get();
  // The certificate belongs to the key by localKeyId, else by alias, else by public key.
  auto certBag = std::find_if(bags.begin(), bags.end(), [&](const Bag& b) {
    return b.cert && !keyBag->localKeyId.empty() && b.localKeyId == keyBag->localKeyId;
  });
  if (certBag == bags.end()) {
    certBag = std::find_if(bags.begin(), bags.end(), [&](const Bag& b) {
      return b.cert && (isAuthentication(b) || sameKey(key, b.cert->native()));
    });
  }
  if (certBag == bags.end()) {
    throw Error("p12_no_authentication", "the keystore has no certificate for the authentication key");
  }
  out.cert_ = std::make_shared<Certificate>(*certBag->cert);
  for (const auto& b : bags) {
    if (!b.cert || &b == &*certBag) continue;
    const bool ownsKey = std::any_of(bags.begin(), bags.end(), [&](const Bag& k) {
      return k.key && ((!k.localKeyId.empty() && k.localKeyId == b.localKeyId) ||
                       sameKey(k.key.get(), b.cert->native()));
    });
    if (!ownsKey) out.chain_.push_back(*b.cert);
  }
  out.key_ = std::shared_ptr<EVP_PKEY>(keyBag->key.release(), EVP_PKEY_free);
  return out;
}

bool Pkcs12::keyMatchesCertificate() const { return sameKey(key_.get(), cert_->native()); }

std::string Pkcs12::keyAlgorithm() const { return cert_->keyAlgorithm(); }

PrivateKeyComponents Pkcs12::privateKey() const {
  const EVP_PKEY* key = key_.get();
  PrivateKeyComponents c;
  if (EVP_PKEY_is_a(key, "RSA")) {
    c.type = PrivateKeyComponents::Type::Rsa;
    c.modulus = bnParam(key, OSSL_PKEY_PARAM_RSA_N);
    c.publicExponent = bnParam(key, OSSL_PKEY_PARAM_RSA_E);
    c.privateExponent = bnParam(key, OSSL_PKEY_PARAM_RSA_D);
    c.prime1 = bnParam(key, OSSL_PKEY_PARAM_RSA_FACTOR1);
    c.prime2 = bnParam(key, OSSL_PKEY_PARAM_RSA_FACTOR2);
    c.exponent1 = bnParam(key, OSSL_PKEY_PARAM_RSA_EXPONENT1);
    c.exponent2 = bnParam(key, OSSL_PKEY_PARAM_RSA_EXPONENT2);
    c.coefficient = bnParam(key, OSSL_PKEY_PARAM_RSA_COEFFICIENT1);
    return c;
  }
  if (!EVP_PKEY_is_a(key, "EC")) {
    throw Error("p12_invalid", "unsupported key type " + keyAlgorithm() + " (RSA or EC expected)");
  }
  c.type = PrivateKeyComponents::Type::Ec;
  char group[80] = {};
  std::size_t len = 0;
  if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group, &len) != 1) {
    throw Error("p12_invalid", "the EC key has no named curve");
  }
  const ASN1_OBJECT* oid = OBJ_nid2obj(OBJ_txt2nid(group));
  unsigned char* oidDer = nullptr;
  const int oidLen = oid == nullptr ? -1 : i2d_ASN1_OBJECT(oid, &oidDer);
  if (oidLen <= 0) throw Error("p12_invalid", std::string("unknown curve ") + group);
  c.ecParams.assign(oidDer, oidDer + oidLen);
  OPENSSL_free(oidDer);
  c.ecPrivateValue = bnParam(key, OSSL_PKEY_PARAM_PRIV_KEY, (EVP_PKEY_get_bits(key) + 7) / 8);
  std::size_t pointLen = 0;
  if (EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, nullptr, 0, &pointLen) != 1) {
    throw Error("p12_invalid", "the EC key has no public point");
  }
  c.ecPoint.resize(pointLen);
  if (EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, c.ecPoint.data(),
                                      pointLen, &pointLen) != 1) {
    throw Error("p12_invalid", "the EC key has no public point");
  }
  c.ecPoint.resize(pointLen);
  return c;
}

}  // namespace ehagent::certs
