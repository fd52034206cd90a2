#pragma once
// The PIN flow for one card operation: the reader's pinpad (protected authentication path: C_Login
// with NULL, no dialog) or one pinentry question whose text says who asks, for what, and how many
// tries are left. A wrong PIN is reported, never retried: exactly one C_Login per request.
#include <functional>
#include <optional>
#include <stop_token>
#include <string>

#include "agent/pin/pinentry.hpp"
#include "core/secret.hpp"
#include "pkcs11/types.hpp"

namespace ehagent::pkcs11 {
class Session;
class Error;
}  // namespace ehagent::pkcs11

namespace ehagent::agent {

struct PinQuestion {
  PinPurpose purpose;            // tries_left is filled in from the token
  std::string credential = "eID";  // "eID" or "eHealth certificate": whose PIN the dialog asks
  std::stop_token abandon;  // stopped when the client that asked goes away: the dialog closes
};

// Told when the PIN goes to the reader's pinpad instead of a dialog: {token, credential, action}.
using PinpadNotice = std::function<void(const std::string& token, const PinQuestion& question)>;

class PinPrompter {
 public:
  explicit PinPrompter(PinentryOptions options, PinpadNotice on_pinpad = {});

  // Logs `session` in as the user. Throws ProblemError pin_locked (before any prompt),
  // pin_incorrect with tries_left, pin_cancelled; PinentryError when the dialog fails.
  void loginUser(pkcs11::Session& session, PinQuestion question) const;

  // The PIN for one signature with a CKA_ALWAYS_AUTHENTICATE key; nullopt where the token has a
  // protected authentication path (the pinpad takes it). Throws like loginUser.
  [[nodiscard]] std::optional<Secret> askForSignature(const pkcs11::Session& session, PinQuestion question) const;

  // Turns a PIN error of a C_Login or a context-specific sign into its problem, with the tries
  // left read back from the token; any other error is rethrown unchanged.
  [[noreturn]] static void rethrowWithTries(const pkcs11::Session& session, const pkcs11::Error& error,
                                            const std::string& credential);

  // The dialog text for a question (exposed for tests).
  [[nodiscard]] std::string description(const PinQuestion& question) const;
  [[nodiscard]] const Texts& texts() const { return textsFor(language_); }

 private:
  Language language_ = Language::En;
  Secret ask(const pkcs11::TokenInfo& info, PinQuestion question) const;

  Pinentry pinentry_;
  PinpadNotice on_pinpad_;
};

}  // namespace ehagent::agent
