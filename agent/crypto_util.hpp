#pragma once
// Small OpenSSL helpers the agent shares: hashing, random bytes, encodings, UTC time.
#include <cstddef>
#include <string>
#include <string_view>

namespace ehagent::agent {

std::string sha256Hex(std::string_view bytes);
std::string randomBytes(std::size_t count);  // throws if the CSPRNG fails
std::string base64UrlEncode(std::string_view bytes);  // no padding
// Strict base64 (standard alphabet, padding required); nothing if invalid.
bool base64Decode(std::string_view text, std::string& out);
bool constantTimeEqual(std::string_view a, std::string_view b);
std::string utcNowIso8601();  // 2024-01-31T12:34:56.789Z

}  // namespace ehagent::agent
