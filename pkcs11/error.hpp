#pragma once
// Typed Cryptoki errors. Every Cryptoki call goes through check(), which turns a CK_RV into an
// Error naming the function and the CKR code, so no return code is ever dropped. The kinds are
// what callers act on: retriable() separates what a user can fix by trying again (a wrong PIN, a
// card taken out and put back, a dialog cancelled) from what they cannot.
#include <source_location>
#include <stdexcept>
#include <string>
#include <string_view>

namespace ehagent::pkcs11 {

enum class ErrorKind {
  PinIncorrect,
  PinLocked,
  PinLenRange,
  Cancelled,
  CardRemoved,
  NotLoggedIn,
  KeyNotFound,
  ModuleLoad,
  NotSupported,
  Other,
};

[[nodiscard]] std::string_view toString(ErrorKind kind) noexcept;

class Error : public std::runtime_error {
 public:
  // rv is the raw CK_RV (0 when the error did not come from a Cryptoki call).
  Error(ErrorKind kind, std::string function, unsigned long rv, const std::string& message);

  [[nodiscard]] ErrorKind kind() const noexcept { return kind_; }
  [[nodiscard]] const std::string& function() const noexcept { return function_; }
  [[nodiscard]] unsigned long rv() const noexcept { return rv_; }
  [[nodiscard]] std::string_view ckrName() const noexcept;
  [[nodiscard]] bool retriable() const noexcept;

 private:
  ErrorKind kind_;
  std::string function_;
  unsigned long rv_;
};

// The symbolic name of a CK_RV ("CKR_PIN_INCORRECT"), or its hex value when unknown.
[[nodiscard]] std::string ckrName(unsigned long rv);

// Maps a CK_RV to the kind callers act on.
[[nodiscard]] ErrorKind kindOf(unsigned long rv) noexcept;

// The one gate for Cryptoki return codes: returns when rv is CKR_OK, else throws Error carrying
// the Cryptoki function name, the CKR name and where in ehagent the call was made.
void check(unsigned long rv, std::string_view function,
           std::source_location where = std::source_location::current());

// Throws an Error of the given kind with no CK_RV behind it (for example a key that is absent).
[[noreturn]] void fail(ErrorKind kind, std::string_view function, const std::string& message);

}  // namespace ehagent::pkcs11
