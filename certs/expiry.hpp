#pragma once
// Where a certificate stands in its validity period at a given time.
#include <chrono>

#include "certs/certificate.hpp"

namespace ehagent::certs {

enum class ExpiryState { NotYetValid, Valid, Expiring, Expired };
[[nodiscard]] const char* toString(ExpiryState state) noexcept;  // "valid", "expiring", ...

struct Expiry {
  ExpiryState state = ExpiryState::Valid;
  std::chrono::days daysLeft{0};  // whole days until notAfter; negative once expired
};

inline constexpr std::chrono::days default_expiry_warning_days{30};

// notAfter itself still counts as valid (RFC 5280). Expiring: notAfter is within `warning` of now.
[[nodiscard]] Expiry expiryAt(const Certificate& cert, TimePoint now,
                              std::chrono::days warning = default_expiry_warning_days);

}  // namespace ehagent::certs
