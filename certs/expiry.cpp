#include "certs/expiry.hpp"

namespace ehagent::certs {

const char* toString(ExpiryState state) noexcept {
  switch (state) {
    case ExpiryState::NotYetValid: return "not_yet_valid";
    case ExpiryState::Valid: return "valid";
    case ExpiryState::Expiring: return "expiring";
    case ExpiryState::Expired: return "expired";
  }
  return "unknown";
}

Expiry expiryAt(const Certificate& cert, TimePoint now, std::chrono::days warning) {
  const TimePoint notAfter = cert.notAfter();
  Expiry e;
  e.daysLeft = std::chrono::floor<std::chrono::days>(notAfter - now);
  if (now < cert.notBefore()) {
    e.state = ExpiryState::NotYetValid;
  } else if (now > notAfter) {
    e.state = ExpiryState::Expired;
  } else if (notAfter - now <= warning) {
    e.state = ExpiryState::Expiring;
  } else {
    e.state = ExpiryState::Valid;
  }
  return e;
}

}  // namespace ehagent::certs
