#pragma once
// Random bytes and identifiers from OpenSSL's CSPRNG. Throw Error("crypto_error") if it fails.
#include <cstddef>
#include <string>
#include <string_view>

namespace ehagent {

std::string randomBytes(std::size_t count);
// "<prefix>-" and 32 hex digits (128 bits): XML IDs, JWT ids, request ids.
std::string randomId(std::string_view prefix);

}  // namespace ehagent
