#include "sandbox/sandbox_pki.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <memory>
#include <stdexcept>
#include <string>
#include <sys/stat.h>
#include <utility>
#include <vector>

#include "core/owned.hpp"

namespace ehagent::sandbox {
namespace {

using KeyPtr = Owned<EVP_PKEY, EVP_PKEY_free>;
using CertPtr = Owned<X509, X509_free>;
using ExtPtr = Owned<X509_EXTENSION, X509_EXTENSION_free>;
using FilePtr = Owned<FILE, std::fclose>;

void check(int ok, const char* what) {
  if (ok != 1) throw std::runtime_error(std::string("sandbox PKI: ") + what + " failed");
}

KeyPtr makeKey(bool rsa) {
  KeyPtr key(rsa ? EVP_RSA_gen(2048) : EVP_EC_gen("P-256"));
  if (!key) throw std::runtime_error("sandbox PKI: key generation failed");
  return key;
}

void addExtension(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  ExtPtr ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value));
  if (!ext) throw std::runtime_error(std::string("sandbox PKI: bad extension ") + value);
  check(X509_add_ext(cert, ext.get(), -1), "X509_add_ext");
}

// issuer == nullptr: self-signed with `key`.
CertPtr makeCert(const std::string& cn, EVP_PKEY* key, X509* issuer, EVP_PKEY* issuer_key,
                 const std::vector<std::pair<int, const char*>>& extensions) {
  CertPtr cert(X509_new());
  if (!cert) throw std::runtime_error("sandbox PKI: X509_new failed");
  check(X509_set_version(cert.get(), 2), "X509_set_version");
  unsigned char serial[16];
  check(RAND_bytes(serial, sizeof serial), "RAND_bytes");
  serial[0] &= 0x7f;
  Owned<BIGNUM, BN_free> bn(BN_bin2bn(serial, sizeof serial, nullptr));
  if (!bn || !BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(cert.get()))) {
    throw std::runtime_error("sandbox PKI: serial failed");
  }
  if (!X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600) ||
      !X509_gmtime_adj(X509_getm_notAfter(cert.get()), 60L * 60 * 24 * 825)) {
    throw std::runtime_error("sandbox PKI: validity failed");
  }
  X509_NAME* name = X509_get_subject_name(cert.get());
  check(X509_NAME_add_entry_by_txt(name, "C", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>("BE"), -1, -1, 0), "C");
  check(X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>("ehagent sandbox"), -1, -1, 0), "O");
  check(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0), "CN");
  check(X509_set_issuer_name(cert.get(), issuer ? X509_get_subject_name(issuer) : name), "X509_set_issuer_name");
  check(X509_set_pubkey(cert.get(), key), "X509_set_pubkey");
  X509* signer_cert = issuer ? issuer : cert.get();
  for (const auto& [nid, value] : extensions) addExtension(cert.get(), signer_cert, nid, value);
  if (X509_sign(cert.get(), issuer ? issuer_key : key, EVP_sha256()) <= 0) {
    throw std::runtime_error("sandbox PKI: X509_sign failed");
  }
  return cert;
}

FilePtr openForWrite(const std::filesystem::path& path, bool secret) {
  const mode_t old = ::umask(secret ? 077 : 022);
  FilePtr file(std::fopen(path.c_str(), "wb"));
  ::umask(old);
  if (!file) throw std::runtime_error("sandbox PKI: cannot write " + path.string());
  return file;
}

void writeKey(const std::filesystem::path& path, EVP_PKEY* key) {
  auto file = openForWrite(path, true);
  check(PEM_write_PrivateKey(file.get(), key, nullptr, nullptr, 0, nullptr, nullptr), "PEM_write_PrivateKey");
}

void writeCerts(const std::filesystem::path& path, std::initializer_list<X509*> certs) {
  auto file = openForWrite(path, false);
  for (X509* c : certs) check(PEM_write_X509(file.get(), c), "PEM_write_X509");
}

}  // namespace

SandboxPki ensureSandboxPki(const std::filesystem::path& dir) {
  SandboxPki pki{dir / "ca.pem", dir / "tls.pem", dir / "tls.key", dir / "sts.pem", dir / "sts.key"};
  if (std::filesystem::exists(pki.ca_cert) && std::filesystem::exists(pki.tls_cert) &&
      std::filesystem::exists(pki.tls_key) && std::filesystem::exists(pki.sts_cert) &&
      std::filesystem::exists(pki.sts_key)) {
    return pki;
  }
  std::filesystem::create_directories(dir);
  auto ca_key = makeKey(false);
  auto ca = makeCert("ehagent Sandbox CA", ca_key.get(), nullptr, nullptr,
                     {{NID_basic_constraints, "critical,CA:TRUE"},
                      {NID_key_usage, "critical,keyCertSign,cRLSign"},
                      {NID_subject_key_identifier, "hash"}});
  auto tls_key = makeKey(false);
  auto tls = makeCert("localhost", tls_key.get(), ca.get(), ca_key.get(),
                      {{NID_basic_constraints, "critical,CA:FALSE"},
                       {NID_key_usage, "critical,digitalSignature"},
                       {NID_ext_key_usage, "serverAuth"},
                       {NID_subject_alt_name, "IP:127.0.0.1,IP:::1,DNS:localhost"},
                       {NID_authority_key_identifier, "keyid"}});
  // RSA, as the real STS signs with RSA-SHA256.
  auto sts_key = makeKey(true);
  auto sts = makeCert("sandbox STS urn:be:fgov:ehealth:sts:1_0", sts_key.get(), ca.get(), ca_key.get(),
                      {{NID_basic_constraints, "critical,CA:FALSE"},
                       {NID_key_usage, "critical,digitalSignature,nonRepudiation"},
                       {NID_authority_key_identifier, "keyid"}});
  writeKey(pki.tls_key, tls_key.get());
  writeKey(pki.sts_key, sts_key.get());
  writeCerts(pki.tls_cert, {tls.get(), ca.get()});
  writeCerts(pki.sts_cert, {sts.get()});
  writeCerts(pki.ca_cert, {ca.get()});  // last: its presence marks a complete set
  return pki;
}

}  // namespace ehagent::sandbox
