#include "agent/http/problem.hpp"

namespace ehagent::agent {
namespace problems {
namespace {

Problem make(int status, std::string code, std::string title, std::string detail) {
  return Problem{status, std::move(code), std::move(title), std::move(detail),
                 nlohmann::json::object()};
}

}  // namespace

Problem invalidInput(std::string pointer, std::string detail) {
  Problem p = make(400, "invalid_input", "Invalid input", std::move(detail));
  p.extra["pointer"] = std::move(pointer);
  return p;
}
Problem unauthorized(std::string detail) {
  return make(401, "unauthorized", "A valid client key is required", std::move(detail));
}
Problem forbiddenOrigin(std::string origin) {
  return make(403, "forbidden_origin", "Origin not allowed",
              "origin '" + origin + "' is not on allowed_origins");
}
Problem misdirected(std::string host) {
  return make(421, "misdirected", "Misdirected request",
              "Host '" + host + "' does not name this agent's listener");
}
Problem payloadTooLarge(std::size_t limit_bytes) {
  return make(413, "payload_too_large", "Payload too large",
              "the body exceeds " + std::to_string(limit_bytes) + " bytes");
}
Problem headersTooLarge(std::size_t limit_bytes) {
  return make(431, "headers_too_large", "Request header fields too large",
              "the header exceeds " + std::to_string(limit_bytes) + " bytes");
}
Problem notFound(std::string target) {
  return make(404, "not_found", "Not found", "no route for " + target);
}
Problem unknownHub(const std::string& name) {
  return make(404, "unknown_hub", "Unknown hub",
              "no hub named '" + name + "' is configured: add a [hubs." + name + "] section to agent.toml");
}
Problem methodNotAllowed(std::string method, std::string allowed) {
  Problem p = make(405, "method_not_allowed", "Method not allowed",
                   method + " is not allowed here; allowed: " + allowed);
  p.extra["allow"] = std::move(allowed);
  return p;
}
Problem busy(std::string detail) {
  return make(429, "busy", "The card is busy", std::move(detail));
}
Problem clientGone() {
  return make(400, "client_disconnected", "The client went away",
              "the client disconnected before the PIN was given; its PIN dialog was closed");
}
Problem noCard(std::string detail) {
  return make(409, "no_card", "No card", std::move(detail));
}
Problem cardRemoved(std::string detail) {
  return make(409, "card_removed", "The card was removed", std::move(detail));
}
Problem pageForbidden(std::string detail) {
  return make(403, "page_forbidden", "Not this account's status page", std::move(detail));
}
Problem pageSessionRequired() {
  return make(401, "page_session_required", "Open the status page first",
              "this request needs the status page's session cookie: load / again");
}
Problem keyRefusedByMiddleware(std::string detail) {
  return make(409, "key_refused_by_middleware", "The card's middleware does not sign with this key", std::move(detail));
}
Problem pinIncorrect(int tries_left, const std::string& credential) {
  Problem p = make(403, "pin_incorrect", "Incorrect PIN",
                   "the " + credential + " PIN was incorrect; " + std::to_string(tries_left) +
                       (tries_left == 1 ? " try left: one more wrong PIN locks it" : " tries left"));
  p.extra["tries_left"] = tries_left;
  p.extra["credential"] = credential;
  return p;
}
Problem pinLocked(const std::string& credential) {
  // An eID's PIN is unblocked only at the municipality, with the PUK letter that came with the
  // card; an eHealth token is the practice's own, so its IT staff can deal with it.
  const bool eid = credential.starts_with("eID");
  Problem p = make(403, "pin_locked", "PIN locked",
                   eid ? "the " + credential + " PIN is locked after three wrong PINs: go to the municipality "
                             "with the PUK letter that came with the card to unblock it"
                       : "the " + credential + " PIN is locked: IT staff unblock the token or import the eHealth "
                                               "certificate again (ehagent-install certs import)");
  p.extra["credential"] = credential;
  return p;
}
Problem pinCancelled() {
  return make(403, "pin_cancelled", "PIN entry cancelled", "the practitioner cancelled the PIN entry");
}
Problem notLoggedIn() {
  return make(409, "not_logged_in", "Not logged in", "log in first with POST /v1/session");
}
Problem certificateRefused(std::string code, std::string certificate, std::string detail) {
  std::string title = "Certificate refused";
  if (code == "certificate_expired") title = "Certificate expired";
  if (code == "certificate_not_yet_valid") title = "Certificate not yet valid";
  if (code == "certificate_untrusted" || code == "chain_incomplete") title = "Certificate not trusted";
  if (code == "certificate_revoked") title = "Certificate revoked";
  if (code == "revocation_unknown") title = "Certificate revocation status unknown";
  if (code == "key_usage") title = "Certificate not usable for authentication";
  const int status = code == "revocation_unknown" ? 503 : 403;
  Problem p = make(status, std::move(code), std::move(title), std::move(detail));
  p.extra["certificate"] = std::move(certificate);
  return p;
}
Problem internal(std::string detail) {
  return make(500, "internal", "Internal error", std::move(detail));
}

}  // namespace problems

nlohmann::json problemJson(const Problem& problem) {
  nlohmann::json out = problem.extra.is_object() ? problem.extra : nlohmann::json::object();
  // A relative reference with the full path, as RFC 9457 3.1.1 allows (and asks of a relative
  // one): it resolves against whichever listener answered, 127.0.0.1 on any port or the Unix
  // socket, where GET /problems/{code} serves its page. An absolute URL would have to name one
  // host and port, and the type, which clients compare, would change with the listen setting.
  out["type"] = "/problems/" + problem.code;
  out["title"] = problem.title;
  out["status"] = problem.status;
  out["code"] = problem.code;
  if (!problem.detail.empty()) out["detail"] = problem.detail;
  return out;
}

}  // namespace ehagent::agent
