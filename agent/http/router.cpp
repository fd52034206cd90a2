#include "agent/http/router.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>

#include "agent/http/hygiene.hpp"
#include "agent/store/json_text.hpp"

namespace ehagent::agent {
namespace {

std::vector<std::string_view> splitPath(std::string_view path) {
  std::vector<std::string_view> parts;
  std::size_t start = 1;
  while (start <= path.size()) {
    const std::size_t slash = path.find('/', start);
    const std::size_t end = slash == std::string_view::npos ? path.size() : slash;
    parts.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return parts;
}

bool matchPattern(std::string_view pattern, std::string_view path,
                  std::map<std::string, std::string>& params) {
  if (path.empty() || path.front() != '/') return false;
  const auto want = splitPath(pattern);
  const auto have = splitPath(path);
  if (want.size() != have.size()) return false;
  std::map<std::string, std::string> found;
  for (std::size_t i = 0; i < want.size(); ++i) {
    if (want[i].size() > 2 && want[i].front() == '{' && want[i].back() == '}') {
      if (have[i].empty()) return false;
      found[std::string(want[i].substr(1, want[i].size() - 2))] = std::string(have[i]);
    } else if (want[i] != have[i]) {
      return false;
    }
  }
  params = std::move(found);
  return true;
}

std::string bearerKey(const Request& request) {
  const auto it = request.find(http::field::authorization);
  if (it == request.end()) return {};
  const std::string_view value(it->value().data(), it->value().size());
  constexpr std::string_view scheme = "Bearer ";
  if (value.size() <= scheme.size()) return {};
  for (std::size_t i = 0; i < scheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(value[i])) !=
        std::tolower(static_cast<unsigned char>(scheme[i]))) {
      return {};
    }
  }
  return std::string(value.substr(scheme.size()));
}

}  // namespace

void Router::add(Route route) { routes_.push_back(std::move(route)); }

boost::asio::awaitable<Response> Router::handle(const Request& request,
                                                RequestContext& context) const {
  const HygieneVerdict hygiene = checkHygiene(request, context);
  if (hygiene.response) co_return std::move(*hygiene.response);

  Response response;
  try {
    const std::string_view target(request.target().data(), request.target().size());
    const std::string_view path = target.substr(0, target.find('?'));
    context.query = parseQuery(target);
    const Route* matched = nullptr;
    std::string allowed;
    for (const Route& route : routes_) {
      std::map<std::string, std::string> params;
      if (!matchPattern(route.pattern, path, params)) continue;
      if (route.method == request.method()) {
        matched = &route;
        context.path_params = std::move(params);
        break;
      }
      if (!allowed.empty()) allowed += ", ";
      allowed += std::string(http::to_string(route.method));
    }
    if (matched == nullptr) {
      throw ProblemError(allowed.empty()
                             ? problems::notFound(std::string(path))
                             : problems::methodNotAllowed(
                                   std::string(request.method_string()), allowed));
    }
    const std::string key = matched->access == Access::none ? std::string() : bearerKey(request);
    if (matched->access == Access::key && key.empty()) {
      throw ProblemError(problems::unauthorized("no_key"));
    }
    if (!key.empty()) {
      auto client = context.server.clients.authenticate(key);
      if (!client) throw ProblemError(problems::unauthorized("unknown_key"));
      context.client = std::move(*client);
    }
    response = co_await matched->handler(request, context);
  } catch (...) {
    const Problem problem = problemFromException(std::current_exception());
    response = problemResponse(request, problem, context.server.config.language);
    if (problem.status == 401) response.set(http::field::www_authenticate, "Bearer");
    if (problem.status == 405) response.set(http::field::allow, problem.extra.value("allow", ""));
  }
  addCorsHeaders(request, context, response);
  // Debug, not info: at the default level this line cost ~15 % of GET /v1/status throughput, and
  // the audit log already keeps every operation that matters, with its client.
  if (spdlog::should_log(spdlog::level::debug)) {  // the arguments alone cost two allocations
    spdlog::debug("{} {} -> {} client={}", std::string(request.method_string()),
                  std::string(request.target().substr(0, request.target().find('?'))),
                  response.result_int(), context.client.empty() ? "-" : context.client);
  }
  co_return response;
}

Response jsonResponse(const Request& request, http::status status, const nlohmann::json& body) {
  return jsonTextResponse(request, status, jsonText(body));
}

Response jsonTextResponse(const Request& request, http::status status, std::string body) {
  Response response{status, request.version()};
  response.set(http::field::content_type, "application/json");
  response.set(http::field::cache_control, "no-store");
  response.keep_alive(request.keep_alive());
  response.body() = std::move(body);
  response.prepare_payload();
  return response;
}

Language requestLanguage(const Request& request, Language fallback) {
  const auto accept = request[http::field::accept_language];
  return fromAcceptLanguage({accept.data(), accept.size()}).value_or(fallback);
}

Response problemResponse(const Request& request, const Problem& problem, Language fallback) {
  const Language language = requestLanguage(request, fallback);
  Response response{static_cast<http::status>(problem.status), request.version()};
  response.set(http::field::content_type, "application/problem+json");
  response.set(http::field::content_language, std::string(code(language)));
  response.set(http::field::vary, "Accept-Language");
  response.set(http::field::cache_control, "no-store");
  response.keep_alive(request.keep_alive());
  response.body() = jsonText(problemJson(problem, language));
  response.prepare_payload();
  return response;
}

nlohmann::json parseJsonBody(const Request& request) {
  try {
    return nlohmann::json::parse(request.body());
  } catch (const nlohmann::json::parse_error& e) {
    throw ProblemError(problems::invalidInput(
        "", "the body is not valid JSON (at byte " + std::to_string(e.byte) + ")"));
  }
}

std::string requireString(const nlohmann::json& body, const std::string& member) {
  if (!body.is_object()) throw ProblemError(problems::invalidInput("", "the body must be a JSON object"));
  const auto it = body.find(member);
  if (it == body.end()) {
    throw ProblemError(problems::invalidInput("/" + member, "'" + member + "' is required"));
  }
  if (!it->is_string()) {
    throw ProblemError(problems::invalidInput("/" + member, "'" + member + "' must be a string"));
  }
  return it->get<std::string>();
}

std::vector<std::string> tcpAcceptedHosts(unsigned short port) {
  const std::string p = std::to_string(port);
  return {"127.0.0.1:" + p, "localhost:" + p, "[::1]:" + p};
}

std::vector<std::string> unixAcceptedHosts() { return {"localhost"}; }

void auditOversizedRequest(ServerContext& server, const Request& header) {
  // A body refused before it reached its route (413) is still a refused submission when a known
  // client sent it; an unauthenticated one is not audited, so that any local process cannot fill
  // the log.
  const auto client = server.clients.authenticate(bearerKey(header));
  if (!client) return;
  // The identified practitioner as the session last published it (the state board sits below the
  // session, so the server needs no session to name who was at the desk).
  const auto practitioner = server.state.snapshot().value("practitioner", nlohmann::json());
  const std::string ssin = practitioner.is_object() ? practitioner.value("ssin", "") : "";
  const std::string_view target(header.target().data(), header.target().size());
  std::string operation(header.method_string());
  operation += " ";
  operation += target.substr(0, target.find('?'));
  server.audit.append(AuditEntry{*client, ssin, operation, "", "", "refused", "payload_too_large"});
}

}  // namespace ehagent::agent
