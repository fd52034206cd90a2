#pragma once
// The interim trust check: a certificate must be one of a set of trusted certificates or chain
// to one of them (chains built by OpenSSL, with intermediates taken from the same set).
#include <vector>

#include "certs/certificate.hpp"

namespace ehagent::tokens {

// Throws Error("signature_untrusted") naming OpenSSL's reason when `cert` does not chain to `trusted`.
void requireTrusted(const certs::Certificate& cert, const std::vector<certs::Certificate>& trusted);

}  // namespace ehagent::tokens
