#include "agent/http/hygiene.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>

namespace ehagent::agent {
namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::optional<std::string> header(const Request& request, http::field field) {
  const auto it = request.find(field);
  if (it == request.end()) return std::nullopt;
  return std::string(it->value());
}

std::optional<std::string> header(const Request& request, std::string_view name) {
  const auto it = request.find(boost::beast::string_view(name.data(), name.size()));
  if (it == request.end()) return std::nullopt;
  return std::string(it->value());
}

bool originAllowed(const std::string& origin, const Config& config) {
  // Origins compare exactly (scheme, host and port), as browsers serialise them.
  return std::find(config.allowed_origins.begin(), config.allowed_origins.end(), origin) !=
         config.allowed_origins.end();
}

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string percentDecode(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out.push_back(' ');
    } else if (text[i] == '%' && i + 2 < text.size() && hexValue(text[i + 1]) >= 0 &&
               hexValue(text[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hexValue(text[i + 1]) * 16 + hexValue(text[i + 2])));
      i += 2;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

}  // namespace

HygieneVerdict checkHygiene(const Request& request, const RequestContext& context) {
  const Language language = context.server.config.language;
  // RFC 9112 3.2: more than one Host field is a 400. Reading only the first would let a proxy in
  // front and the agent disagree about which host was asked for.
  if (request.count(http::field::host) > 1) {
    return {problemResponse(request, problems::invalidInput("", "the request has more than one Host header"), language)};
  }
  const auto host = header(request, http::field::host);
  const std::string host_lower = lower(host.value_or(""));
  const auto& accepted = context.accepted_hosts;
  if (std::find(accepted.begin(), accepted.end(), host_lower) == accepted.end()) {
    return {problemResponse(request, problems::misdirected(host.value_or("")), language)};
  }
  const auto origin = header(request, http::field::origin);
  if (!origin) return {};
  // The agent's own status page (same origin: the Host it was reached by, already checked).
  if (fromOwnOrigin(request)) return {};
  if (!originAllowed(*origin, context.server.config)) {
    return {problemResponse(request, problems::forbiddenOrigin(*origin), language)};
  }
  const bool preflight = request.method() == http::verb::options &&
                         header(request, http::field::access_control_request_method).has_value();
  if (!preflight) return {};
  Response response{http::status::no_content, request.version()};
  response.set(http::field::access_control_allow_origin, *origin);
  response.set(http::field::access_control_allow_methods, "GET, POST, DELETE");
  response.set(http::field::access_control_allow_headers, "Authorization, Content-Type");
  response.set(http::field::access_control_max_age, "600");
  response.set(http::field::vary, "Origin");
  // Private Network Access: a public page may reach loopback only if the server opts in.
  const auto pna = header(request, "Access-Control-Request-Private-Network");
  if (pna && lower(*pna) == "true") response.set("Access-Control-Allow-Private-Network", "true");
  response.keep_alive(request.keep_alive());
  response.prepare_payload();
  spdlog::debug("preflight answered for {}", *origin);
  return {std::move(response)};
}

bool fromOwnOrigin(const Request& request) {
  const auto origin = header(request, http::field::origin);
  const auto host = header(request, http::field::host);
  return origin && host && lower(*origin) == "http://" + lower(*host);
}

void addCorsHeaders(const Request& request, const RequestContext& context, Response& response) {
  const auto origin = header(request, http::field::origin);
  if (!origin || !originAllowed(*origin, context.server.config)) return;
  response.set(http::field::access_control_allow_origin, *origin);
  // Added to, not replaced: a problem varies with Accept-Language too.
  const auto vary = response.find(http::field::vary);
  response.set(http::field::vary, vary == response.end() ? std::string("Origin") : std::string(vary->value()) + ", Origin");
}

std::map<std::string, std::string> parseQuery(std::string_view target) {
  std::map<std::string, std::string> out;
  const auto question = target.find('?');
  if (question == std::string_view::npos) return out;
  std::string_view rest = target.substr(question + 1);
  while (!rest.empty()) {
    const auto amp = rest.find('&');
    const std::string_view pair = rest.substr(0, amp);
    const auto eq = pair.find('=');
    if (!pair.empty()) {
      out[percentDecode(pair.substr(0, eq))] =
          eq == std::string_view::npos ? "" : percentDecode(pair.substr(eq + 1));
    }
    if (amp == std::string_view::npos) break;
    rest = rest.substr(amp + 1);
  }
  return out;
}

}  // namespace ehagent::agent
