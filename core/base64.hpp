#pragma once
// Base64 (XML, PEM bodies) and base64url without padding (JWS).
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ehagent {

std::string base64Encode(std::span<const std::uint8_t> data);
// Skips XML whitespace (base64Binary in XML may be wrapped). Throws invalid_input on bad text.
std::vector<std::uint8_t> base64Decode(std::string_view text);

std::string base64UrlEncode(std::span<const std::uint8_t> data);
std::vector<std::uint8_t> base64UrlDecode(std::string_view text);  // throws invalid_input

}  // namespace ehagent
