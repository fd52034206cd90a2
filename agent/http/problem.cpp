#include "agent/http/problem.hpp"

#include "agent/pin/pinentry.hpp"

namespace ehagent::agent {
namespace {

std::string titleKey(std::string_view code) { return "problem." + std::string(code) + ".title"; }
std::string detailKey(std::string_view code, std::string_view which = "detail") {
  return "problem." + std::string(code) + "." + std::string(which);
}

}  // namespace

namespace problems {
namespace {

// A problem whose detail the agent writes: the English text now, the key for other languages.
Problem make(int status, std::string code, std::string_view which = "detail",
             std::map<std::string, std::string> values = {}) {
  const Texts& english = textsFor(Language::En);
  Problem p{status, code, english.get(titleKey(code)), "", nlohmann::json::object(), detailKey(code, which),
            std::move(values)};
  p.detail = english.get(p.text, p.values);
  return p;
}

}  // namespace

Problem withDetail(int status, std::string code, std::string detail) {
  const Texts& english = textsFor(Language::En);
  std::string title = english.has(titleKey(code)) ? english.get(titleKey(code)) : english.get("problem.internal.title");
  return Problem{status, std::move(code), std::move(title), std::move(detail), nlohmann::json::object(), "", {}};
}

Problem invalidInput(std::string pointer, std::string detail) {
  Problem p = withDetail(400, "invalid_input", std::move(detail));
  p.extra["pointer"] = std::move(pointer);
  return p;
}
Problem unauthorized(std::string_view which) { return make(401, "unauthorized", which); }
Problem forbiddenOrigin(std::string origin) {
  return make(403, "forbidden_origin", "detail", {{"origin", std::move(origin)}});
}
Problem misdirected(std::string host) { return make(421, "misdirected", "detail", {{"host", std::move(host)}}); }
Problem payloadTooLarge(std::size_t limit_bytes) {
  return make(413, "payload_too_large", "detail", {{"limit", std::to_string(limit_bytes)}});
}
Problem headersTooLarge(std::size_t limit_bytes) {
  return make(431, "headers_too_large", "detail", {{"limit", std::to_string(limit_bytes)}});
}
Problem notFound(std::string target) { return make(404, "not_found", "detail", {{"target", std::move(target)}}); }
Problem unknownHub(const std::string& name) { return make(404, "unknown_hub", "detail", {{"hub", name}}); }
Problem methodNotAllowed(std::string method, std::string allowed) {
  Problem p = make(405, "method_not_allowed", "detail", {{"method", std::move(method)}, {"allow", allowed}});
  p.extra["allow"] = std::move(allowed);
  return p;
}
Problem busy(std::string_view which, std::map<std::string, std::string> values) {
  return make(429, "busy", which, std::move(values));
}
Problem clientGone() { return make(400, "client_disconnected"); }
Problem noCard(std::string_view which) { return make(409, "no_card", which); }
Problem cardRemoved(std::string_view which, std::map<std::string, std::string> values) {
  return make(409, "card_removed", which, std::move(values));
}
Problem pageForbidden() { return make(403, "page_forbidden"); }
Problem pageSessionRequired() { return make(401, "page_session_required"); }
Problem keyRefusedByMiddleware(std::map<std::string, std::string> values) {
  return make(409, "key_refused_by_middleware", "detail", std::move(values));
}
Problem pinIncorrect(int tries_left, const std::string& credential) {
  if (credential.empty()) {
    Problem p = make(403, "pin_incorrect", "unknown_tries");
    p.extra["tries_left"] = nullptr;
    return p;
  }
  Problem p = make(403, "pin_incorrect", tries_left == 1 ? "last_try" : "detail",
                   {{"credential", credential}, {"tries", std::to_string(tries_left)}});
  p.extra["tries_left"] = tries_left;
  p.extra["credential"] = credential;
  return p;
}
Problem pinLocked(const std::string& credential) {
  // An eID's PIN is unblocked only at the municipality, with the PUK letter that came with the
  // card; an eHealth token is the practice's own, so its IT staff can deal with it.
  if (credential.empty()) return make(403, "pin_locked");
  Problem p = make(403, "pin_locked", credential.starts_with("eID") ? "eid" : "token", {{"credential", credential}});
  p.extra["credential"] = credential;
  return p;
}
Problem pinCancelled() { return make(403, "pin_cancelled"); }
Problem notLoggedIn() { return make(409, "not_logged_in"); }
Problem stsNotConfigured() { return make(409, "sts_not_configured"); }
Problem unknownProblem(std::string code) { return make(404, "unknown_problem", "detail", {{"code", std::move(code)}}); }
Problem certificateRefused(std::string code, std::string certificate, std::string detail) {
  const int status = code == "revocation_unknown" ? 503 : 403;
  Problem p = withDetail(status, std::move(code), std::move(detail));
  p.extra["certificate"] = std::move(certificate);
  return p;
}
Problem cardError(std::string function, std::string ckr) {
  return make(502, "card_error", "detail", {{"function", std::move(function)}, {"ckr", std::move(ckr)}});
}
Problem internal(std::string_view which) { return make(500, "internal", which); }

}  // namespace problems

nlohmann::json problemJson(const Problem& problem, Language language) {
  nlohmann::json out = problem.extra.is_object() ? problem.extra : nlohmann::json::object();
  // A relative reference with the full path, as RFC 9457 3.1.1 allows (and asks of a relative
  // one): it resolves against whichever listener answered, 127.0.0.1 on any port or the Unix
  // socket, where GET /problems/{code} serves its page. An absolute URL would have to name one
  // host and port, and the type, which clients compare, would change with the listen setting.
  out["type"] = "/problems/" + problem.code;
  out["status"] = problem.status;
  out["code"] = problem.code;
  const Texts& texts = textsFor(language);
  const std::string generic = detailKey(problem.code);
  if (language == Language::En || !texts.has(titleKey(problem.code))) {
    out["title"] = problem.title;
    if (!problem.detail.empty()) out["detail"] = problem.detail;
    return out;
  }
  out["title"] = texts.get(titleKey(problem.code));
  if (!problem.text.empty()) {
    auto values = problem.values;
    if (const auto it = values.find("credential"); it != values.end()) it->second = credentialWords(it->second, texts);
    out["detail"] = texts.get(problem.text, values);
  } else {
    out["detail"] = texts.get(generic);
    if (!problem.detail.empty()) out["reason"] = problem.detail;
  }
  return out;
}

}  // namespace ehagent::agent
