#pragma once
// The errors certs/ throws: the core Error with the codes below. The API layer and the installer
// map a code to their own answers (HTTP status, exit code) in one place each.
#include "core/error.hpp"

namespace ehagent::certs {

// Stable codes: certificate_invalid, certificate_expired, certificate_not_yet_valid,
// certificate_untrusted, chain_incomplete, key_usage, certificate_revoked, revocation_unknown,
// p12_password, p12_invalid, p12_no_authentication, key_mismatch, trust_store, io_error.
using Error = ehagent::Error;

}  // namespace ehagent::certs
