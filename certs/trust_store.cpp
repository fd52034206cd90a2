#include "certs/trust_store.hpp"

#include <algorithm>
#include <ctime>
#include <fstream>
#include <iterator>
#include <system_error>

#include "certs/error.hpp"
#include "certs/openssl_util.hpp"

namespace ehagent::certs {
namespace fs = std::filesystem;
using namespace detail;

namespace {

std::vector<Certificate> readCertificates(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw Error("io_error", "cannot read " + file.string());
  const std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (data.find("-----BEGIN") != std::string::npos) return Certificate::allFromPem(data);
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(data.data());
  return {Certificate::fromDer({bytes, data.size()})};
}

bool isCertificateFile(const fs::path& p) {
  const auto ext = p.extension().string();
  return ext == ".pem" || ext == ".crt" || ext == ".cer";
}

X509StackPtr toStack(const std::vector<Certificate>& certs) {
  X509StackPtr stack(sk_X509_new_null());
  if (!stack) throw Error("certificate_invalid", "out of memory");
  for (const auto& c : certs) {
    X509* x = const_cast<X509*>(c.native());
    if (X509_up_ref(x) != 1) throw Error("certificate_invalid", "X509_up_ref failed");
    if (sk_X509_push(stack.get(), x) <= 0) {
      X509_free(x);
      throw Error("certificate_invalid", "out of memory");
    }
  }
  return stack;
}

[[noreturn]] void throwVerifyError(int err, const X509* at, const Certificate& leaf) {
  const std::string where =
      at != nullptr ? Certificate::fromNative(at).subject() : leaf.subject();
  const std::string why = X509_verify_cert_error_string(err);
  switch (err) {
    case X509_V_ERR_CERT_HAS_EXPIRED:
      throw Error("certificate_expired", "certificate expired: " + where);
    case X509_V_ERR_CERT_NOT_YET_VALID:
      throw Error("certificate_not_yet_valid", "certificate not yet valid: " + where);
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
      throw Error("chain_incomplete",
                  "the issuer of \"" + where +
                      "\" was not found: an intermediate certificate is missing, or its CA is "
                      "not in the trust store");
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
    case X509_V_ERR_CERT_UNTRUSTED:
    case X509_V_ERR_CERT_REJECTED:
      throw Error("certificate_untrusted",
                  "the chain ends at a root that is not in the trust store: " + where);
    case X509_V_ERR_KEYUSAGE_NO_CERTSIGN:
    case X509_V_ERR_INVALID_PURPOSE:
      throw Error("key_usage", "key usage does not allow this use: " + where + " (" + why + ")");
    default:
      throw Error("certificate_invalid", "chain validation failed at \"" + where + "\": " + why);
  }
}

void checkPurpose(const Certificate& leaf, Purpose purpose) {
  const KeyUsage ku = leaf.keyUsage();
  if (!ku.present || purpose == Purpose::Any) return;
  if (purpose == Purpose::Authentication && !ku.digitalSignature) {
    throw Error("key_usage", "the certificate's key usage lacks digitalSignature: " + leaf.subject());
  }
  if (purpose == Purpose::Signature && !ku.nonRepudiation) {
    throw Error("key_usage", "the certificate's key usage lacks nonRepudiation: " + leaf.subject());
  }
}

}  // namespace

TrustStore TrustStore::fromDirectories(const std::vector<fs::path>& dirs) {
  TrustStore store;
  for (const auto& dir : dirs) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) continue;
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
      if (entry.is_regular_file() && isCertificateFile(entry.path())) files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
    for (const auto& file : files) {
      try {
        for (const auto& c : readCertificates(file)) store.add(c);
      } catch (const Error& e) {
        store.problems_.push_back(file.string() + ": " + e.what());
      }
    }
  }
  return store;
}

TrustStore::TrustStore(const std::vector<Certificate>& certs) {
  for (const Certificate& cert : certs) add(cert);
}

void TrustStore::add(const Certificate& cert) {
  if (!contains(cert)) certs_.push_back(cert);
}

bool TrustStore::contains(const Certificate& cert) const {
  return std::find(certs_.begin(), certs_.end(), cert) != certs_.end();
}

std::shared_ptr<x509_store_st> TrustStore::nativeStore() const {
  std::shared_ptr<X509_STORE> store(X509_STORE_new(), X509_STORE_free);
  if (!store) throw Error("certificate_invalid", "out of memory");
  for (const auto& c : certs_) {
    // X509_STORE_add_cert takes its own reference.
    if (X509_STORE_add_cert(store.get(), const_cast<X509*>(c.native())) != 1) {
      throw Error("certificate_invalid", "cannot add to the store: " + takeOpensslErrors());
    }
  }
  return store;
}

std::vector<Certificate> TrustStore::verify(const Certificate& leaf,
                                            const std::vector<Certificate>& untrusted,
                                            TimePoint at, Purpose purpose) const {
  auto store = nativeStore();
  X509StackPtr chainIn = toStack(untrusted);
  X509StoreCtxPtr ctx(X509_STORE_CTX_new());
  if (!ctx || X509_STORE_CTX_init(ctx.get(), store.get(), const_cast<X509*>(leaf.native()),
                                  chainIn.get()) != 1) {
    throw Error("certificate_invalid", "cannot set up validation: " + takeOpensslErrors());
  }
  X509_STORE_CTX_set_time(ctx.get(), 0, std::chrono::system_clock::to_time_t(at));
  if (X509_verify_cert(ctx.get()) != 1) {
    const int err = X509_STORE_CTX_get_error(ctx.get());
    takeOpensslErrors();  // the verify error says it better than the queue
    throwVerifyError(err, X509_STORE_CTX_get_current_cert(ctx.get()), leaf);
  }
  checkPurpose(leaf, purpose);
  std::vector<Certificate> chain;
  STACK_OF(X509)* built = X509_STORE_CTX_get0_chain(ctx.get());
  for (int i = 0; i < sk_X509_num(built); ++i) {
    chain.push_back(Certificate::fromNative(sk_X509_value(built, i)));
  }
  return chain;
}

void TrustStore::requirePinned(const Certificate& cert, const std::string& code) const {
  auto store = nativeStore();
  X509_STORE_set_flags(store.get(), X509_V_FLAG_PARTIAL_CHAIN);
  X509StoreCtxPtr ctx(X509_STORE_CTX_new());
  if (!ctx || X509_STORE_CTX_init(ctx.get(), store.get(), const_cast<X509*>(cert.native()), nullptr) != 1) {
    throw Error("certificate_invalid", "cannot set up validation: " + takeOpensslErrors());
  }
  if (X509_verify_cert(ctx.get()) != 1) {
    const int err = X509_STORE_CTX_get_error(ctx.get());
    takeOpensslErrors();
    throw Error(code, std::string("signing certificate not trusted: ") + X509_verify_cert_error_string(err) + " (" +
                          cert.subject() + ")");
  }
}

TrustStore::Installed TrustStore::installInto(const fs::path& dir, const Certificate& cert) {
  if (!cert.isCa()) {
    throw Error("trust_store", "not a CA certificate (basicConstraints CA:TRUE is required): " +
                                   cert.subject());
  }
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw Error("io_error", "cannot create " + dir.string() + ": " + ec.message());
  const fs::path path = dir / (toHex(cert.sha256Fingerprint()).substr(0, 16) + ".pem");
  if (fs::exists(path)) return {path, false};
  const fs::path tmp = path.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << cert.pem();
    if (!out) throw Error("io_error", "cannot write " + tmp.string());
  }
  fs::permissions(tmp, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read |
                           fs::perms::others_read, ec);
  fs::rename(tmp, path, ec);  // atomic: a reader never sees half a certificate
  if (ec) throw Error("io_error", "cannot write " + path.string() + ": " + ec.message());
  return {path, true};
}

}  // namespace ehagent::certs
