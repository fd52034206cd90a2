#pragma once
// Asking the practitioner for a PIN through pinentry, the desktop PIN dialog of GnuPG, over the
// Assuan protocol. One program run per question: the program is spawned with pipes (no shell),
// given the texts, asked, and told BYE. The PIN comes back in a Secret and is never logged.
#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>
#include <stop_token>
#include <string_view>
#include <vector>

#include "agent/i18n/texts.hpp"
#include "core/secret.hpp"

namespace ehagent::agent {

// The user pressed Cancel (or closed the dialog). Retriable: the user may simply ask again.
class PinentryCancelled : public std::runtime_error {
 public:
  PinentryCancelled() : std::runtime_error("the PIN dialog was cancelled") {}
};

// The one who asked went away (a client that disconnected): the dialog was closed and its
// program ended, so that no PIN dialog outlives the question it belongs to.
class PinentryAbandoned : public std::runtime_error {
 public:
  PinentryAbandoned() : std::runtime_error("the PIN dialog was closed: the client that asked went away") {}
};

// The dialog could not be shown or answered: a missing program, a crash, a timeout, or a program
// that does not speak Assuan. The message says what to fix; it never carries a PIN.
class PinentryError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// No program here can show a dialog (pinentry_choice.hpp): the message names what to install.
class PinentryUnavailable : public PinentryError {
 public:
  using PinentryError::PinentryError;
};

struct PinentryOptions {
  // A name looked up in PATH, a path, or "auto": chosen for each question (pinentry_choice.hpp).
  std::string program = "auto";
  std::vector<std::string> arguments;
  // How long the user has to answer; pinentry is told too (SETTIMEOUT), and a program that
  // overstays this deadline is killed.
  std::chrono::seconds timeout{120};
  Language language = Language::En;  // the dialogs' texts (agent.toml's `language`)
};

// All texts are plain; Pinentry escapes them for the wire.
struct PinRequest {
  std::string title;
  std::string description;
  std::string prompt = "PIN:";
  std::string error;  // shown above the field (SETERROR) when the user asked to try again
  std::string keyinfo;  // optional cache key (SETKEYINFO); pinentry's own cache is never offered
  std::stop_token abandon;  // once stopped, the dialog is closed and getPin throws PinentryAbandoned
};

struct ConfirmRequest {
  std::string title;
  std::string description;
  std::string ok_label;
  std::string cancel_label;
  bool one_button = false;
};

class Pinentry {
 public:
  explicit Pinentry(PinentryOptions options = {});

  // Throws PinentryCancelled, PinentryAbandoned or PinentryError.
  [[nodiscard]] Secret getPin(const PinRequest& request) const;
  // True when the user confirmed; false when they declined or cancelled. Throws PinentryError.
  [[nodiscard]] bool confirm(const ConfirmRequest& request) const;
  // A notice with one button, for example "confirm the PIN on the reader's pinpad".
  void message(std::string_view title, std::string_view description) const;

 private:
  PinentryOptions options_;
};

// What the dialog says, as the issue words it:
//   "<client> asks to <action> for patient <ssin>. PIN for <holder>'s eID (3 tries left)"
// The patient part is left out when there is no patient, the tries when they are unknown. Plain
// text; Pinentry escapes it on the wire.
struct PinPurpose {
  std::string client_name;
  std::string action;  // "sign a consent", "log in to eHealth"
  std::optional<std::string> patient_ssin;
  std::string holder_name;
  std::optional<unsigned> tries_left;
  std::string detail;  // a line after the question, for the careful reader: "SHA-256 ...: 3a7f..."
};
// `credential` is whose PIN it is: "eID", "eHealth certificate", "eID (patient's PIN)" (the API's
// words; the dialog says them in `texts`' language).
[[nodiscard]] std::string pinDescription(const PinPurpose& purpose, std::string_view credential = "eID",
                                         const Texts& texts = textsFor(Language::En));
// The credential in the dialog's language, and the dialog's title.
[[nodiscard]] std::string credentialWords(std::string_view credential, const Texts& texts);
[[nodiscard]] std::string pinTitle(std::string_view credential, const Texts& texts);

}  // namespace ehagent::agent
