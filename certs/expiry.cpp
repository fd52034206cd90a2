#include "certs/expiry.hpp"

#include <ctime>

namespace ehagent::certs {
namespace {

std::string utc(TimePoint time, const char* format) {
  const std::time_t t = std::chrono::system_clock::to_time_t(time);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char text[32];
  std::strftime(text, sizeof text, format, &tm);
  return text;
}

}  // namespace

std::string isoDate(TimePoint time) { return utc(time, "%Y-%m-%d"); }
std::string isoDateTime(TimePoint time) { return utc(time, "%Y-%m-%dT%H:%M:%SZ"); }

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
