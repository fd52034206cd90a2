#pragma once
// Private to certs/: one OCSP exchange and one CRL check. Neither throws for a failure to get an
// answer; that comes back as Unknown with the reason.
#include <chrono>
#include <string>

#include "certs/revocation.hpp"

namespace ehagent::certs::detail {

RevocationResult queryOcsp(const std::string& url, const Certificate& cert,
                           const Certificate& issuer, const TrustStore& trust,
                           const RevocationOptions& options);

// `where` is an http:// URL or a file path (PEM or DER).
RevocationResult checkAgainstCrl(const std::string& where, const Certificate& cert,
                                 const Certificate& issuer, const RevocationOptions& options);

// The proxy arguments of OpenSSL's HTTP client: null lets it read the environment.
inline const char* proxyOrEnvironment(const std::string& value) { return value.empty() ? nullptr : value.c_str(); }

}  // namespace ehagent::certs::detail
