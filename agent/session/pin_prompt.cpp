#include "agent/session/pin_prompt.hpp"

#include <spdlog/spdlog.h>

#include "agent/http/problem.hpp"
#include "pkcs11/error.hpp"
#include "pkcs11/session.hpp"

namespace ehagent::agent {
namespace {

void refuseIfLocked(const pkcs11::TokenInfo& info, const std::string& credential) {
  // Asking for a PIN the card will refuse anyway would only teach the user to type it again.
  if (info.pin.locked) throw ProblemError(problems::pinLocked(credential));
}

}  // namespace

PinPrompter::PinPrompter(PinentryOptions options, PinpadNotice on_pinpad)
    : language_(options.language), pinentry_(std::move(options)), on_pinpad_(std::move(on_pinpad)) {}

std::string PinPrompter::description(const PinQuestion& question) const {
  return pinDescription(question.purpose, question.credential, texts());
}

Secret PinPrompter::ask(const pkcs11::TokenInfo& info, PinQuestion question) const {
  question.purpose.tries_left = static_cast<unsigned>(info.pin.triesLeft);
  PinRequest request;
  request.title = pinTitle(question.credential, texts());
  request.description = description(question);
  request.prompt = texts().get("pin.prompt");
  // The last try before the card locks: said above the field, where it is read before typing.
  if (info.pin.triesLeft == 1) request.error = texts().get("pin.final_try");
  request.abandon = question.abandon;
  try {
    return pinentry_.getPin(request);
  } catch (const PinentryCancelled&) {
    throw ProblemError(problems::pinCancelled());
  } catch (const PinentryAbandoned&) {
    throw ProblemError(problems::clientGone());
  }
}

void PinPrompter::rethrowWithTries(const pkcs11::Session& session, const pkcs11::Error& error,
                                   const std::string& credential) {
  using pkcs11::ErrorKind;
  if (error.kind() == ErrorKind::PinLocked) throw ProblemError(problems::pinLocked(credential));
  if (error.kind() == ErrorKind::Cancelled) throw ProblemError(problems::pinCancelled());
  if (error.kind() != ErrorKind::PinIncorrect && error.kind() != ErrorKind::PinLenRange) throw error;
  pkcs11::TokenInfo after;
  try {
    after = session.tokenInfo();
  } catch (const pkcs11::Error&) {
    throw ProblemError(problems::cardRemoved("pin_check"));
  }
  if (after.pin.locked) throw ProblemError(problems::pinLocked(credential));
  throw ProblemError(problems::pinIncorrect(after.pin.triesLeft, credential));
}

void PinPrompter::loginUser(pkcs11::Session& session, PinQuestion question) const {
  const pkcs11::TokenInfo info = session.tokenInfo();
  refuseIfLocked(info, question.credential);
  const std::string credential = question.credential;
  try {
    if (info.protectedAuthenticationPath) {
      // The reader (or the beid module's own dialog) asks; this process never sees the PIN.
      spdlog::info("login on {}: PIN on the protected authentication path", info.label);
      if (on_pinpad_) on_pinpad_(info.label, question);
      session.loginProtected();
      return;
    }
    const Secret pin = ask(info, std::move(question));
    session.login(pin);
  } catch (const pkcs11::Error& e) {
    rethrowWithTries(session, e, credential);
  }
}

std::optional<Secret> PinPrompter::askForSignature(const pkcs11::Session& session, PinQuestion question) const {
  const pkcs11::TokenInfo info = session.tokenInfo();
  refuseIfLocked(info, question.credential);
  if (info.protectedAuthenticationPath) {
    if (on_pinpad_) on_pinpad_(info.label, question);
    return std::nullopt;
  }
  return ask(info, std::move(question));
}

}  // namespace ehagent::agent
