#pragma once
// One verdict per certificate on a token, shared by `certs list` and `doctor`: trust, then
// revocation under the configured [revocation] policy.
#include <string>

#include "certs/revocation.hpp"
#include "certs/trust_store.hpp"
#include "installer/token_certificates.hpp"

namespace ehagent::installer {

struct CertificateVerdict {
  std::string trust;       // "trusted", or the certs::Error code
  std::string revocation;  // "good (ocsp http://...)", "refused (revocation_unknown): ...", ...
  std::string state;       // "ok", "warn", "fail"
  std::string hint;        // what to do when state is not "ok"
};

CertificateVerdict judgeCertificate(const TokenCertificate& found, const certs::TrustStore& trust,
                                    certs::RevocationChecker& checker, certs::TimePoint now);

}  // namespace ehagent::installer
