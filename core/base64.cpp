#include "core/base64.hpp"

#include <array>

#include "core/error.hpp"

namespace ehagent {

namespace {
constexpr std::string_view kStd = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::string_view kUrl = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string encode(std::span<const std::uint8_t> data, std::string_view alphabet, bool pad) {
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < data.size(); i += 3) {
    const std::uint32_t v = (data[i] << 16) | (data[i + 1] << 8) | data[i + 2];
    out += alphabet[(v >> 18) & 63];
    out += alphabet[(v >> 12) & 63];
    out += alphabet[(v >> 6) & 63];
    out += alphabet[v & 63];
  }
  const std::size_t rest = data.size() - i;
  if (rest > 0) {
    std::uint32_t v = data[i] << 16;
    if (rest == 2) v |= data[i + 1] << 8;
    out += alphabet[(v >> 18) & 63];
    out += alphabet[(v >> 12) & 63];
    if (rest == 2) out += alphabet[(v >> 6) & 63];
    if (pad) out.append(rest == 1 ? 2 : 1, '=');
  }
  return out;
}

std::vector<std::uint8_t> decode(std::string_view text, std::string_view alphabet, bool url) {
  std::array<int, 256> table{};
  table.fill(-1);
  for (std::size_t k = 0; k < alphabet.size(); ++k) table[static_cast<unsigned char>(alphabet[k])] = int(k);
  std::vector<std::uint8_t> out;
  out.reserve(text.size() * 3 / 4);
  std::uint32_t acc = 0;
  int bits = 0;
  std::size_t padding = 0, symbols = 0;
  for (char c : text) {
    if (!url && (c == ' ' || c == '\n' || c == '\r' || c == '\t')) continue;
    if (c == '=' && !url) {
      ++padding;
      continue;
    }
    const int v = table[static_cast<unsigned char>(c)];
    if (v < 0 || padding > 0) throw Error("invalid_input", "invalid base64 text");
    ++symbols;
    acc = (acc << 6) | std::uint32_t(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(std::uint8_t((acc >> bits) & 0xFF));
    }
  }
  if (symbols % 4 == 1 || padding > 2 || (!url && padding > 0 && (symbols + padding) % 4 != 0))
    throw Error("invalid_input", "invalid base64 length");
  return out;
}
}  // namespace

std::string base64Encode(std::span<const std::uint8_t> data) { return encode(data, kStd, true); }
std::vector<std::uint8_t> base64Decode(std::string_view text) { return decode(text, kStd, false); }
std::string base64UrlEncode(std::span<const std::uint8_t> data) { return encode(data, kUrl, false); }
std::vector<std::uint8_t> base64UrlDecode(std::string_view text) { return decode(text, kUrl, true); }

}  // namespace ehagent
