#pragma once
// Belgian person and practitioner identifiers: checks other folders reuse.
#include <string_view>

namespace ehagent::certs {

// SSIN (INSZ/NISS): 11 digits YYMMDDSSSCC, CC = 97 - (first 9 digits mod 97); for births from
// 2000 on, the check is computed over "2" followed by the 9 digits. Either form passing is valid,
// since the number alone does not say the century.
[[nodiscard]] bool isValidSsin(std::string_view ssin) noexcept;

// NIHII (RIZIV/INAMI number): 8 digits, or 11 with a 3-digit qualification code appended.
[[nodiscard]] bool isWellFormedNihii(std::string_view nihii) noexcept;
// Whether the 7th and 8th digits match the modulo-97 check over the first 6 (see the .cpp for why
// a mismatch is only a warning). False for a number that is not well formed.
[[nodiscard]] bool nihiiCheckDigitsMatch(std::string_view nihii) noexcept;

}  // namespace ehagent::certs
