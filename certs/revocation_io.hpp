#pragma once
// Private to certs/: one OCSP exchange and one CRL check. Neither throws for a failure to get an
// answer; that comes back as Unknown with the reason.
#include <chrono>
#include <string>

#include "certs/revocation.hpp"

namespace ehagent::certs::detail {

RevocationResult queryOcsp(const std::string& url, const Certificate& cert,
                           const Certificate& issuer, const TrustStore& trust,
                           std::chrono::seconds timeout, bool useNonce);

// `where` is an http:// URL or a file path (PEM or DER).
RevocationResult checkAgainstCrl(const std::string& where, const Certificate& cert,
                                 const Certificate& issuer, std::chrono::seconds timeout);

}  // namespace ehagent::certs::detail
