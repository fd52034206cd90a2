#pragma once
// RFC 9457 problem details. Every error the API returns is a Problem with a stable `code`;
// problemFromException (problem_map.cpp) is the one place that turns exceptions from any layer
// into a status and a code.
#include <exception>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

namespace ehagent::agent {

struct Problem {
  int status = 500;
  std::string code;    // stable, snake_case: "pin_incorrect", "busy", ...
  std::string title;   // short, fixed per code
  std::string detail;  // this occurrence; never a secret
  nlohmann::json extra = nlohmann::json::object();  // e.g. tries_left, pointer
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
Problem unauthorized(std::string detail);
Problem forbiddenOrigin(std::string origin);
Problem misdirected(std::string host);
Problem payloadTooLarge(std::size_t limit_bytes);
Problem headersTooLarge(std::size_t limit_bytes);
Problem notFound(std::string target);
Problem unknownHub(const std::string& name);
Problem methodNotAllowed(std::string method, std::string allowed);
Problem busy(std::string detail);
Problem noCard(std::string detail);
Problem cardRemoved(std::string detail);
// The status page: another account's browser, and a page request without the page's cookie.
Problem pageForbidden(std::string detail);
Problem pageSessionRequired();
// The card's PKCS#11 module will not use a key it lists (OpenSC and the eID Signature key).
Problem keyRefusedByMiddleware(std::string detail);
// `credential` names whose PIN it was, as the dialog asked for it: "eID", "eHealth certificate",
// "eID (patient's PIN)". Each is in the problem's `credential` member too.
Problem pinIncorrect(int tries_left, const std::string& credential);
Problem pinLocked(const std::string& credential);
Problem pinCancelled();
// The client disconnected while its PIN dialog was open; the dialog was closed. Nobody reads the
// answer: the code is for the audit row and the log.
Problem clientGone();
Problem notLoggedIn();
// The login refused the practitioner's certificate before any PIN was asked. `code` is the
// certs::Error code (certificate_expired, certificate_revoked, revocation_unknown, ...);
// `certificate` names which one ("eHealth certificate") and goes into the problem as a member.
// 403, but 503 for revocation_unknown: no answer yet, so a retry may succeed.
Problem certificateRefused(std::string code, std::string certificate, std::string detail);
Problem internal(std::string detail);
}  // namespace problems

// Maps any exception (pkcs11, pinentry, certs, tokens, the agent's own) to a Problem.
Problem problemFromException(std::exception_ptr error);

nlohmann::json problemJson(const Problem& problem);

}  // namespace ehagent::agent
