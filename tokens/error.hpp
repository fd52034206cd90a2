#pragma once
// The one error type tokens/ throws. code() is stable; the API layer maps it to an HTTP answer
// in one place.
#include <stdexcept>
#include <string>

namespace ehagent::tokens {

class Error : public std::runtime_error {
 public:
  // Stable codes:
  //   invalid_input       XML that is malformed, too big, too deep, or carries a DOCTYPE
  //   duplicate_id        two elements carry the same ID (a signature-wrapping sign)
  //   signature_invalid   a digest, a signature value or the structure of a ds:Signature is wrong
  //   signature_untrusted the signature is sound but its certificate is not trusted
  //   unsupported_algorithm  an algorithm URI or key type this code does not accept
  //   signing_failed      the Signer (OpenSSL or the card) could not sign
  //   timestamp_expired   a WS-Security Timestamp outside its validity (with clock skew)
//   crypto_error        any other OpenSSL failure
  Error(std::string code, const std::string& message)
      : std::runtime_error(message), code_(std::move(code)) {}

  [[nodiscard]] const std::string& code() const noexcept { return code_; }

 private:
  std::string code_;
};

}  // namespace ehagent::tokens
