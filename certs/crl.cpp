#include <openssl/http.h>
#include <openssl/pem.h>

#include <fstream>
#include <iterator>

#include "certs/error.hpp"
#include "certs/openssl_util.hpp"
#include "certs/revocation_io.hpp"

namespace ehagent::certs::detail {
namespace {

constexpr std::size_t max_crl_bytes = 20 * 1024 * 1024;

std::string fetch(const std::string& where, const RevocationOptions& options) {
  const std::chrono::seconds timeout = options.timeout;
  if (where.rfind("http://", 0) == 0 || where.rfind("https://", 0) == 0) {
    BioPtr body(OSSL_HTTP_get(where.c_str(), proxyOrEnvironment(options.proxy), proxyOrEnvironment(options.noProxy), nullptr, nullptr, nullptr, nullptr,
                              0, nullptr, nullptr, 0, max_crl_bytes,
                              static_cast<int>(timeout.count())));
    if (!body) throw Error("revocation_unknown", "no answer: " + takeOpensslErrors());
    std::string data;
    char buf[4096];
    int n = 0;
    while ((n = BIO_read(body.get(), buf, sizeof buf)) > 0) data.append(buf, static_cast<std::size_t>(n));
    return data;
  }
  std::ifstream in(where, std::ios::binary);
  if (!in) throw Error("revocation_unknown", "cannot read the CRL file");
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

X509CrlPtr parse(const std::string& data) {
  BioPtr bio(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
  if (!bio) throw Error("revocation_unknown", "out of memory");
  X509CrlPtr crl(data.find("-----BEGIN X509 CRL") != std::string::npos
                     ? PEM_read_bio_X509_CRL(bio.get(), nullptr, nullptr, nullptr)
                     : d2i_X509_CRL_bio(bio.get(), nullptr));
  if (!crl) throw Error("revocation_unknown", "unreadable CRL: " + takeOpensslErrors());
  return crl;
}

RevocationResult checkOne(const std::string& where, const Certificate& cert,
                          const Certificate& issuer, const RevocationOptions& options) {
  X509CrlPtr crl = parse(fetch(where, options));
  if (X509_NAME_cmp(X509_CRL_get_issuer(crl.get()), X509_get_subject_name(issuer.native())) != 0) {
    throw Error("revocation_unknown", "the CRL is from another issuer");
  }
  if (X509_CRL_verify(crl.get(), X509_get0_pubkey(issuer.native())) != 1) {
    throw Error("revocation_unknown", "the CRL signature does not verify");
  }
  RevocationResult r{RevocationStatus::Good, "crl " + where, "", {}, {}};
  if (const ASN1_TIME* next = X509_CRL_get0_nextUpdate(crl.get())) {
    r.nextUpdate = toTimePoint(next);
    if (*r.nextUpdate < std::chrono::system_clock::now()) {
      throw Error("revocation_unknown", "the CRL is out of date");
    }
  }
  X509_REVOKED* entry = nullptr;
  // 2 is removeFromCRL (a delta CRL lifting a hold): the certificate is good again.
  if (X509_CRL_get0_by_cert(crl.get(), &entry, const_cast<X509*>(cert.native())) == 1) {
    r.status = RevocationStatus::Revoked;
    r.revokedAt = toTimePoint(X509_REVOKED_get0_revocationDate(entry));
  }
  return r;
}

}  // namespace

RevocationResult checkAgainstCrl(const std::string& where, const Certificate& cert,
                                 const Certificate& issuer, const RevocationOptions& options) {
  try {
    return checkOne(where, cert, issuer, options);
  } catch (const Error& e) {
    takeOpensslErrors();
    return {RevocationStatus::Unknown, "crl " + where, e.what(), {}, {}};
  }
}

}  // namespace ehagent::certs::detail
