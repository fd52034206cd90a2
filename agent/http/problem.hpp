#pragma once
// RFC 9457 problem details. Every error the API returns is a Problem with a stable `code`;
// problemFromException (problem_map.cpp) is the one place that turns exceptions from any layer
// into a status and a code.
#include <exception>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "agent/i18n/texts.hpp"

namespace ehagent::agent {

// `title` and `detail` are English; problemJson gives them in the asker's language. A detail the
// agent writes itself comes from the catalogs (agent/i18n, key `text`, placeholders `values`), so
// every language says as much. A detail written by a layer below (a validator, a card module, the
// STS, a hub) has no key: another language gets the code's own sentence, and the English words
// go along in `reason`, since they name what a vendor or IT staff need to look up.
struct Problem {
  int status = 500;
  std::string code;    // stable, snake_case: "pin_incorrect", "busy", ...
  std::string title;   // short, fixed per code
  std::string detail;  // this occurrence; never a secret
  nlohmann::json extra = nlohmann::json::object();  // e.g. tries_left, pointer
  std::string text;    // the catalog key `detail` was filled from; empty: a lower layer's words
  std::map<std::string, std::string> values;  // its {placeholders}
};

// Thrown by agent code that already knows its problem.
class ProblemError : public std::runtime_error {
 public:
  explicit ProblemError(Problem problem)
      : std::runtime_error(problem.detail.empty() ? problem.title : problem.detail),
        problem_(std::move(problem)) {}
  const Problem& problem() const noexcept { return problem_; }

 private:
  Problem problem_;
};

// The agent's own problems, one constructor per code.
namespace problems {
Problem invalidInput(std::string pointer, std::string detail);  // pointer: RFC 6901
// The catalog keys of details the agent writes in more than one way: `problem.<code>.<which>`.
Problem unauthorized(std::string_view which);  // "no_key", "unknown_key"
Problem forbiddenOrigin(std::string origin);
Problem misdirected(std::string host);
Problem payloadTooLarge(std::size_t limit_bytes);
Problem headersTooLarge(std::size_t limit_bytes);
Problem notFound(std::string target);
Problem unknownHub(const std::string& name);
Problem methodNotAllowed(std::string method, std::string allowed);
Problem busy(std::string_view which, std::map<std::string, std::string> values = {});
Problem noCard(std::string_view which);  // "practitioner", "patient", "no_reader"
// "named" {card}, "replaced" {card}, "reset" {card}, "during" {function}, "pin_check",
// "eid_during_login", "stopping"
Problem cardRemoved(std::string_view which, std::map<std::string, std::string> values = {});
// The status page: another account's browser, and a page request without the page's cookie.
Problem pageForbidden();
Problem pageSessionRequired();
// The card's PKCS#11 module will not use a key it lists (OpenSC and the eID Signature key).
// {module}: the module's description and path; {function} and {ckr}: the call and its answer.
Problem keyRefusedByMiddleware(std::map<std::string, std::string> values);
// `credential` names whose PIN it was, as the dialog asked for it: "eID", "eHealth certificate",
// "eID (patient's PIN)". Each is in the problem's `credential` member too.
// An empty credential: the module said the PIN was wrong or locked, and nobody knows whose.
Problem pinIncorrect(int tries_left, const std::string& credential);
Problem pinLocked(const std::string& credential);
Problem pinCancelled();
// The client disconnected while its PIN dialog was open; the dialog was closed. Nobody reads the
// answer: the code is for the audit row and the log.
Problem clientGone();
Problem notLoggedIn();
Problem stsNotConfigured();
Problem unknownProblem(std::string code);  // GET /problems/{code} for a code the agent does not have
// The login refused the practitioner's certificate before any PIN was asked. `code` is the
// certs::Error code (certificate_expired, certificate_revoked, revocation_unknown, ...);
// `certificate` names which one ("eHealth certificate") and goes into the problem as a member.
// 403, but 503 for revocation_unknown: no answer yet, so a retry may succeed.
Problem certificateRefused(std::string code, std::string certificate, std::string detail);
// A PKCS#11 call the module failed, with its CKR_ name.
Problem cardError(std::string function, std::string ckr);
Problem internal(std::string_view which);  // "unexpected", "out_of_memory"
// A problem whose detail is a lower layer's English words (no catalog key).
Problem withDetail(int status, std::string code, std::string detail);
}  // namespace problems

// Maps any exception (pkcs11, pinentry, certs, tokens, the agent's own) to a Problem.
Problem problemFromException(std::exception_ptr error);

// In `language`: the title and detail from its catalog (see Problem), the code and members as they are.
nlohmann::json problemJson(const Problem& problem, Language language = Language::En);

}  // namespace ehagent::agent
