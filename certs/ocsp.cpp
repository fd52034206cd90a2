#include <openssl/http.h>

#include "certs/error.hpp"
#include "certs/openssl_util.hpp"
#include "certs/revocation_io.hpp"

namespace ehagent::certs::detail {
namespace {

using CharPtr = Owned<char, [](char* p) { OPENSSL_free(p); }>;
using BytePtr = Owned<unsigned char, [](unsigned char* p) { OPENSSL_free(p); }>;

constexpr long max_ocsp_response_bytes = 100 * 1024;
constexpr long clock_skew_seconds = 300;

struct Url {
  CharPtr host, port, path;
  int ssl = 0;
};

Url parseUrl(const std::string& url) {
  char *host = nullptr, *port = nullptr, *path = nullptr;
  Url out;
  if (OSSL_HTTP_parse_url(url.c_str(), &out.ssl, nullptr, &host, &port, nullptr, &path, nullptr,
                          nullptr) != 1) {
    throw Error("revocation_unknown", "not a usable OCSP URL");
  }
  out.host.reset(host);
  out.port.reset(port);
  out.path.reset(path);
  return out;
}

OcspResponsePtr exchange(const std::string& url, OCSP_REQUEST* request, const RevocationOptions& options) {
  const Url u = parseUrl(url);
  unsigned char* raw = nullptr;
  const int len = i2d_OCSP_REQUEST(request, &raw);
  if (len <= 0) throw Error("revocation_unknown", "cannot encode the OCSP request");
  BytePtr der(raw);
  BioPtr body(BIO_new_mem_buf(der.get(), len));
  if (!body) throw Error("revocation_unknown", "out of memory");
  BioPtr answer(OSSL_HTTP_transfer(nullptr, u.host.get(), u.port.get(), u.path.get(), u.ssl,
                                   proxyOrEnvironment(options.proxy), proxyOrEnvironment(options.noProxy), nullptr, nullptr, nullptr, nullptr, 0, nullptr,
                                   "application/ocsp-request", body.get(),
                                   "application/ocsp-response", 1, max_ocsp_response_bytes,
                                   static_cast<int>(options.timeout.count()), 0));
  if (!answer) throw Error("revocation_unknown", "no answer: " + takeOpensslErrors());
  OcspResponsePtr response(d2i_OCSP_RESPONSE_bio(answer.get(), nullptr));
  if (!response) throw Error("revocation_unknown", "unreadable OCSP response: " + takeOpensslErrors());
  return response;
}

X509StackPtr stackOf(const Certificate& cert) {
  X509StackPtr stack(sk_X509_new_null());
  X509* x = const_cast<X509*>(cert.native());
  if (!stack || X509_up_ref(x) != 1) throw Error("revocation_unknown", "out of memory");
  if (sk_X509_push(stack.get(), x) <= 0) {
    X509_free(x);
    throw Error("revocation_unknown", "out of memory");
  }
  return stack;
}

RevocationResult ask(const std::string& url, const Certificate& cert, const Certificate& issuer,
                     const TrustStore& trust, const RevocationOptions& options) {
  OcspCertIdPtr id(OCSP_cert_to_id(nullptr, cert.native(), issuer.native()));
  OcspCertIdPtr idForRequest(id ? OCSP_CERTID_dup(id.get()) : nullptr);
  OcspRequestPtr request(OCSP_REQUEST_new());
  if (!id || !idForRequest || !request) throw Error("revocation_unknown", "cannot build the OCSP request");
  if (OCSP_request_add0_id(request.get(), idForRequest.get()) == nullptr) {
    throw Error("revocation_unknown", "cannot build the OCSP request");
  }
  idForRequest.release();  // adopted: the request owns it now
  const bool useNonce = options.ocspNonce;
  if (useNonce && OCSP_request_add1_nonce(request.get(), nullptr, -1) != 1) {
    throw Error("revocation_unknown", "cannot add the OCSP nonce");
  }

  OcspResponsePtr response = exchange(url, request.get(), options);
  const int status = OCSP_response_status(response.get());
  if (status != OCSP_RESPONSE_STATUS_SUCCESSFUL) {
    throw Error("revocation_unknown", std::string("responder answered ") + OCSP_response_status_str(status));
  }
  OcspBasicPtr basic(OCSP_response_get1_basic(response.get()));
  if (!basic) throw Error("revocation_unknown", "OCSP response without a basic response");
  // 0 is a mismatch; a responder that does not echo the nonce (-1, 2) is allowed, as many
  // production responders precompute their answers.
  if (useNonce && OCSP_check_nonce(request.get(), basic.get()) == 0) {
    throw Error("revocation_unknown", "OCSP nonce mismatch (a replayed answer?)");
  }
  auto store = trust.nativeStore();
  X509StackPtr issuerStack = stackOf(issuer);
  if (OCSP_basic_verify(basic.get(), issuerStack.get(), store.get(), 0) <= 0) {
    throw Error("revocation_unknown",
                "the OCSP response signature does not verify: " + takeOpensslErrors());
  }
  int certStatus = 0, reason = -1;
  ASN1_GENERALIZEDTIME *revokedAt = nullptr, *thisUpdate = nullptr, *nextUpdate = nullptr;
  if (OCSP_resp_find_status(basic.get(), id.get(), &certStatus, &reason, &revokedAt, &thisUpdate,
                            &nextUpdate) != 1) {
    throw Error("revocation_unknown", "the OCSP response does not cover this certificate");
  }
  if (OCSP_check_validity(thisUpdate, nextUpdate, clock_skew_seconds, -1) != 1) {
    takeOpensslErrors();
    throw Error("revocation_unknown", "the OCSP response is stale or from the future");
  }
  RevocationResult r{RevocationStatus::Unknown, "ocsp " + url, "", {}, {}};
  if (nextUpdate != nullptr) r.nextUpdate = toTimePoint(nextUpdate);
  switch (certStatus) {
    case V_OCSP_CERTSTATUS_GOOD:
      r.status = RevocationStatus::Good;
      break;
    case V_OCSP_CERTSTATUS_REVOKED:
      r.status = RevocationStatus::Revoked;
      if (revokedAt != nullptr) r.revokedAt = toTimePoint(revokedAt);
      if (reason >= 0) r.reason = OCSP_crl_reason_str(reason);
      break;
    default:
      r.reason = "the responder does not know this certificate";
      r.nextUpdate.reset();
      break;
  }
  return r;
}

}  // namespace

RevocationResult queryOcsp(const std::string& url, const Certificate& cert,
                           const Certificate& issuer, const TrustStore& trust,
                           const RevocationOptions& options) {
  try {
    return ask(url, cert, issuer, trust, options);
  } catch (const Error& e) {
    takeOpensslErrors();
    return {RevocationStatus::Unknown, "ocsp " + url, e.what(), {}, {}};
  }
}

}  // namespace ehagent::certs::detail
