#include "certs/openssl_util.hpp"

#include <openssl/err.h>

#include <ctime>

#include "certs/error.hpp"

namespace ehagent::certs::detail {

std::string takeOpensslErrors() {
  std::string text;
  while (unsigned long err = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(err, buf, sizeof buf);
    if (!text.empty()) text += "; ";
    text += buf;
  }
  return text.empty() ? "no OpenSSL detail" : text;
}

TimePoint toTimePoint(const ASN1_TIME* time) {
  std::tm tm{};
  if (time == nullptr || ASN1_TIME_to_tm(time, &tm) != 1) {
    throw Error("certificate_invalid", "unreadable ASN.1 time");
  }
  return std::chrono::system_clock::from_time_t(timegm(&tm));
}

}  // namespace ehagent::certs::detail
