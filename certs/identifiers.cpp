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

bool isWellFormedNihii(std::string_view nihii) noexcept {
  return (nihii.size() == 8 || nihii.size() == 11) && allDigits(nihii);
}

bool nihiiCheckDigitsMatch(std::string_view nihii) noexcept {
  // What public sources say: digits 7-8 are a modulo-97 check over the first six (read here as
  // 97 - (n mod 97), the Belgian convention of the SSIN and the enterprise number, and what the
  // specimen numbers 10012378004 and 10045636003 follow). Since 2012 RIZIV/INAMI has also issued
  // numbers checked modulo 89 (home nurses and midwives, physicians from 2019), whose exact
  // formula is not confirmed here. So a mismatch must not drop the number: the profile keeps it
  // and reports a warning.
  if (!isWellFormedNihii(nihii)) return false;
  const std::uint64_t base = toNumber(nihii.substr(0, 6));
  return toNumber(nihii.substr(6, 2)) == 97 - base % 97;
}

}  // namespace ehagent::certs
