// The one place where exceptions from every layer become an HTTP status and a stable code.
#include <spdlog/spdlog.h>

#include <new>
#include <string_view>
#include <utility>

#include "agent/pin/pinentry.hpp"
#include "agent/http/problem.hpp"
#include "core/error.hpp"
#include "hubs/error.hpp"
#include "pkcs11/error.hpp"

namespace ehagent::agent {
namespace {

// The status of every code that a layer below the API throws (core Error). A local failure is a
// 500; 502 and 503 are for a remote party (the STS, a hub, a revocation responder) that failed,
// answered what cannot be used, or could not be reached.
struct CodeStatus {
  std::string_view code;
  int status;
  std::string_view title;
};
constexpr CodeStatus kCodeStatus[] = {
    {"invalid_input", 400, "Invalid input"},
    {"duplicate_id", 400, "Invalid input"},
    {"certificate_invalid", 409, "Certificate problem"},
    {"certificate_expired", 409, "Certificate problem"},
    {"certificate_not_yet_valid", 409, "Certificate problem"},
    {"certificate_untrusted", 409, "Certificate problem"},
    {"chain_incomplete", 409, "Certificate problem"},
    {"key_usage", 409, "Certificate problem"},
    {"certificate_revoked", 409, "Certificate problem"},
    {"revocation_unknown", 503, "No revocation answer"},
    {"signature_invalid", 502, "eHealth request failed"},
    {"signature_untrusted", 502, "eHealth request failed"},
    {"timestamp_expired", 502, "eHealth request failed"},
    {"unsupported_algorithm", 502, "eHealth request failed"},
    {"unknown_profession", 409, "Profession not supported"},
    {"signing_failed", 500, "Signing failed"},
    {"crypto_error", 500, "Internal error"},
    {"config_invalid", 500, "Configuration error"},
    {"io_error", 500, "Internal error"},
    {"trust_store", 500, "Trust store unreadable"},
};

// Codes not in the table: those of a remote service ("sts_*", "hub_*", "*_unreachable") are 502,
// anything else is the agent's own failure.
std::pair<int, std::string_view> statusOf(const std::string& code) {
  for (const auto& entry : kCodeStatus) {
    if (entry.code == code) return {entry.status, entry.title};
  }
  const bool remote = code.starts_with("sts_") || code.starts_with("hub_") || code.ends_with("_unreachable");
  if (remote) return {502, "eHealth request failed"};
  return {500, "Internal error"};
}

Problem withCode(int status, const std::string& code, std::string title, const std::string& detail) {
  return Problem{status, code, std::move(title), detail, nlohmann::json::object()};
}

Problem fromPkcs11(const pkcs11::Error& e) {
  using pkcs11::ErrorKind;
  switch (e.kind()) {
    case ErrorKind::PinIncorrect:
    case ErrorKind::PinLenRange: {
      // Callers that know the counter throw ProblemError with tries_left themselves.
      Problem p = problems::pinIncorrect(0, "card's");
      p.extra["tries_left"] = nullptr;
      p.extra.erase("credential");
      p.detail = "the PIN was incorrect";
      return p;
    }
    case ErrorKind::PinLocked: {
      Problem p = problems::pinLocked("card's");
      p.extra.erase("credential");
      return p;
    }
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
  } catch (const PinentryAbandoned&) {
    return problems::clientGone();
  } catch (const PinentryUnavailable& e) {
    spdlog::error("pinentry: {}", e.what());
    return withCode(503, "pinentry_unavailable", "No PIN dialog can be shown", e.what());
  } catch (const PinentryError& e) {
    spdlog::error("pinentry: {}", e.what());
    return withCode(500, "pinentry_failed", "The PIN dialog failed", e.what());
  } catch (const hubs::InvalidField& e) {
    return problems::invalidInput(e.pointer(), e.what());
  } catch (const Error& e) {
    if (e.code() == "invalid_input") return problems::invalidInput("", e.what());
    const auto [status, title] = statusOf(e.code());
    spdlog::error("{}: {}", e.code(), e.what());
    return withCode(status, e.code(), std::string(title), e.what());
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
