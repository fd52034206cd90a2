#pragma once
// The one error type certs/ throws. code() is stable: the API layer and the installer map it to
// their own answers (HTTP status, exit code) in one place each.
#include <stdexcept>
#include <string>

namespace ehagent::certs {

class Error : public std::runtime_error {
 public:
  // Stable codes: certificate_invalid, certificate_expired, certificate_not_yet_valid,
  // certificate_untrusted, chain_incomplete, key_usage, certificate_revoked, revocation_unknown,
  // p12_password, p12_invalid, p12_no_authentication, key_mismatch, trust_store, io_error.
  Error(std::string code, const std::string& message)
      : std::runtime_error(message), code_(std::move(code)) {}

  [[nodiscard]] const std::string& code() const noexcept { return code_; }

 private:
  std::string code_;
};

}  // namespace ehagent::certs
