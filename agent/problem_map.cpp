// The one place where exceptions from every layer become an HTTP status and a stable code.
#include <spdlog/spdlog.h>

#include <new>

#include "agent/pinentry.hpp"
#include "agent/problem.hpp"
#include "certs/error.hpp"
#include "pkcs11/error.hpp"
#include "tokens/error.hpp"
#include "tokens/hub_error.hpp"

namespace ehagent::agent {
namespace {

Problem withCode(int status, const std::string& code, std::string title, const std::string& detail) {
  return Problem{status, code, std::move(title), detail, nlohmann::json::object()};
}

Problem fromPkcs11(const pkcs11::Error& e) {
  using pkcs11::ErrorKind;
  switch (e.kind()) {
    case ErrorKind::PinIncorrect:
    case ErrorKind::PinLenRange: {
      // Callers that know the counter throw ProblemError with tries_left themselves.
      Problem p = problems::pinIncorrect(0);
      p.extra["tries_left"] = nullptr;
      p.detail = "the PIN was incorrect";
      return p;
    }
    case ErrorKind::PinLocked: return problems::pinLocked();
    case ErrorKind::Cancelled: return problems::pinCancelled();
    case ErrorKind::CardRemoved: return problems::cardRemoved("the card was removed during " + e.function());
    case ErrorKind::NotLoggedIn: return problems::notLoggedIn();
    case ErrorKind::KeyNotFound:
      return withCode(409, "key_not_found", "Key not found on the card", e.what());
    case ErrorKind::ModuleLoad:
    case ErrorKind::NotSupported:
    case ErrorKind::Other:
      break;
  }
  spdlog::error("card error: {}", e.what());
  return withCode(502, "card_error", "The card or its module failed",
                  std::string(e.function()) + " failed with " + std::string(e.ckrName()));
}

}  // namespace

Problem problemFromException(std::exception_ptr error) {
  try {
    std::rethrow_exception(error);
  } catch (const ProblemError& e) {
    return e.problem();
  } catch (const pkcs11::Error& e) {
    return fromPkcs11(e);
  } catch (const PinentryCancelled&) {
    return problems::pinCancelled();
  } catch (const PinentryError& e) {
    spdlog::error("pinentry: {}", e.what());
    return withCode(500, "pinentry_failed", "The PIN dialog failed", e.what());
  } catch (const tokens::hub::InvalidField& e) {
    return problems::invalidInput(e.pointer(), e.what());
  } catch (const tokens::Error& e) {
    if (e.code() == "invalid_input") return problems::invalidInput("", e.what());
    spdlog::error("tokens: {}: {}", e.code(), e.what());
    return withCode(502, e.code(), "eHealth request failed", e.what());
  } catch (const certs::Error& e) {
    spdlog::error("certs: {}: {}", e.code(), e.what());
    return withCode(409, e.code(), "Certificate problem", e.what());
  } catch (const nlohmann::json::exception& e) {
    // A handler read a field of the wrong type without checking: still the caller's input.
    return problems::invalidInput("", e.what());
  } catch (const std::bad_alloc&) {
    return problems::internal("out of memory");
  } catch (const std::exception& e) {
    spdlog::error("unexpected error: {}", e.what());
    return problems::internal("unexpected error; see the agent log");
  } catch (...) {
    spdlog::error("unexpected non-standard exception");
    return problems::internal("unexpected error; see the agent log");
  }
}

}  // namespace ehagent::agent
