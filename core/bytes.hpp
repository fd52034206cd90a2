#pragma once
// Bytes as the project passes them, views of text as bytes, hex, and a comparison that takes the
// same time whatever the bytes (for key hashes).
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ehagent {

using Bytes = std::vector<std::uint8_t>;

inline std::span<const std::uint8_t> asBytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}
inline std::string_view asText(std::span<const std::uint8_t> b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

std::string toHex(std::span<const std::uint8_t> data);  // lower case
bool constantTimeEqual(std::string_view a, std::string_view b);

}  // namespace ehagent
