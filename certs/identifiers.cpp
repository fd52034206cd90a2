#include "certs/identifiers.hpp"

#include <algorithm>
#include <cstdint>

namespace ehagent::certs {
namespace {

bool allDigits(std::string_view s) noexcept {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::uint64_t toNumber(std::string_view digits) noexcept {
  std::uint64_t n = 0;
  for (char c : digits) n = n * 10 + static_cast<std::uint64_t>(c - '0');
  return n;
}

}  // namespace

bool isValidSsin(std::string_view ssin) noexcept {
  if (ssin.size() != 11 || !allDigits(ssin)) return false;
  const std::uint64_t base = toNumber(ssin.substr(0, 9));
  const std::uint64_t check = toNumber(ssin.substr(9, 2));
  if (check == 97 - base % 97) return true;
  // Born in 2000 or later: the check covers a leading "2" (2'000'000'000 + the nine digits).
  return check == 97 - (2'000'000'000ULL + base) % 97;
}

bool isValidNihii(std::string_view nihii) noexcept {
  // The public RIZIV/INAMI rule: digits 7-8 are 97 - (first 6 digits mod 97). Checked against
  // the specimen numbers 10012378004 (100123 -> 78) and 10045636003 (100456 -> 36).
  if ((nihii.size() != 8 && nihii.size() != 11) || !allDigits(nihii)) return false;
  const std::uint64_t base = toNumber(nihii.substr(0, 6));
  return toNumber(nihii.substr(6, 2)) == 97 - base % 97;
}

}  // namespace ehagent::certs
