#pragma once
// The errors tokens/ throws: the core Error with the codes below (agent/http/problem_map.cpp
// gives each its HTTP status).
#include "core/error.hpp"

namespace ehagent::tokens {

// Stable codes:
//   invalid_input       XML that is malformed, too big, too deep, or carries a DOCTYPE
//   duplicate_id        two elements carry the same ID (a signature-wrapping sign)
//   signature_invalid   a digest, a signature value or the structure of a ds:Signature is wrong
//   signature_untrusted the signature is sound but its certificate is not trusted
//   unsupported_algorithm  an algorithm URI or key type this code does not accept
//   signing_failed      the Signer (OpenSSL or the card) could not sign
//   timestamp_expired   a WS-Security Timestamp outside its validity (with clock skew)
//   crypto_error        any other OpenSSL failure
//   <service>_unreachable, sts_*, hub_*  a remote party failed or answered what cannot be used
using Error = ehagent::Error;

}  // namespace ehagent::tokens
