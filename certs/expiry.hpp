#pragma once
// Where a certificate stands in its validity period at a given time.
#include <chrono>
#include <string>

#include "certs/certificate.hpp"

namespace ehagent::certs {

enum class ExpiryState { NotYetValid, Valid, Expiring, Expired };
[[nodiscard]] const char* toString(ExpiryState state) noexcept;  // "valid", "expiring", ...

struct Expiry {
  ExpiryState state = ExpiryState::Valid;
  std::chrono::days daysLeft{0};  // whole days until notAfter; negative once expired
};

inline constexpr std::chrono::days default_expiry_warning_days{30};

// UTC, the way messages and the API name a certificate's first or last day: "2024-01-31" and
// "2024-01-31T12:34:56Z".
[[nodiscard]] std::string isoDate(TimePoint time);
[[nodiscard]] std::string isoDateTime(TimePoint time);

// notAfter itself still counts as valid (RFC 5280). Expiring: notAfter is within `warning` of now.
[[nodiscard]] Expiry expiryAt(const Certificate& cert, TimePoint now,
                              std::chrono::days warning = default_expiry_warning_days);

}  // namespace ehagent::certs
