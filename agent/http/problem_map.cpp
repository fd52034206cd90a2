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
};
constexpr CodeStatus kCodeStatus[] = {
    {"invalid_input", 400},
    {"duplicate_id", 400},
    {"certificate_invalid", 409},
    {"certificate_expired", 409},
    {"certificate_not_yet_valid", 409},
    {"certificate_untrusted", 409},
    {"chain_incomplete", 409},
    {"key_usage", 409},
    {"certificate_revoked", 409},
    {"revocation_unknown", 503},
    {"signature_invalid", 502},
    {"signature_untrusted", 502},
    {"timestamp_expired", 502},
    {"unsupported_algorithm", 502},
    {"unknown_profession", 409},
    {"signing_failed", 500},
    {"crypto_error", 500},
    {"config_invalid", 500},
    {"io_error", 500},
    {"trust_store", 500},
};

// Codes not in the table: those of a remote service ("sts_*", "hub_*", "*_unreachable") are 502,
// anything else is the agent's own failure.
int statusOf(const std::string& code) {
  for (const auto& entry : kCodeStatus) {
    if (entry.code == code) return entry.status;
  }
  const bool remote = code.starts_with("sts_") || code.starts_with("hub_") || code.ends_with("_unreachable");
  return remote ? 502 : 500;
}

Problem fromPkcs11(const pkcs11::Error& e) {
  using pkcs11::ErrorKind;
  switch (e.kind()) {
    case ErrorKind::PinIncorrect:
    case ErrorKind::PinLenRange: {
      // Callers that know the counter throw ProblemError with tries_left themselves.
      return problems::pinIncorrect(0, "");
    }
    case ErrorKind::PinLocked: return problems::pinLocked("");
    case ErrorKind::Cancelled: return problems::pinCancelled();
    case ErrorKind::CardRemoved: return problems::cardRemoved("during", {{"function", e.function()}});
    case ErrorKind::NotLoggedIn: return problems::notLoggedIn();
    case ErrorKind::KeyNotFound:
      return problems::withDetail(409, "key_not_found", e.what());
    case ErrorKind::ModuleLoad:
    case ErrorKind::NotSupported:
    case ErrorKind::Other:
      break;
  }
  spdlog::error("card error: {}", e.what());
  return problems::cardError(std::string(e.function()), std::string(e.ckrName()));
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
    return problems::withDetail(503, "pinentry_unavailable", e.what());
  } catch (const PinentryError& e) {
    spdlog::error("pinentry: {}", e.what());
    return problems::withDetail(500, "pinentry_failed", e.what());
  } catch (const hubs::InvalidField& e) {
    return problems::invalidInput(e.pointer(), e.what());
  } catch (const Error& e) {
    if (e.code() == "invalid_input") return problems::invalidInput("", e.what());
    spdlog::error("{}: {}", e.code(), e.what());
    return problems::withDetail(statusOf(e.code()), e.code(), e.what());
  } catch (const nlohmann::json::exception& e) {
    // A handler read a field of the wrong type without checking: still the caller's input.
    return problems::invalidInput("", e.what());
  } catch (const std::bad_alloc&) {
    return problems::internal("out_of_memory");
  } catch (const std::exception& e) {
    spdlog::error("unexpected error: {}", e.what());
    return problems::internal("detail");
  } catch (...) {
    spdlog::error("unexpected non-standard exception");
    return problems::internal("detail");
  }
}

}  // namespace ehagent::agent
