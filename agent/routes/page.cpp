// The status page's routes: GET / (the page), its script and style, and under /page/ what only
// the page uses: its event stream, the hub probes, log in and log out. See page.hpp for who may
// use them and why.
#include "agent/routes/page.hpp"

#include <unistd.h>

#include <algorithm>
#include <deque>
#include <span>
#include <mutex>

#include "agent/http/hygiene.hpp"
#include "agent/http/peer_user.hpp"
#include "agent/routes/routes.hpp"
#include "agent/session/session.hpp"
#include "agent/session/worker_pool.hpp"
#include "core/base64.hpp"
#include "core/random.hpp"
#include "tokens/net/https_client.hpp"

namespace ehagent::agent {

std::string_view pageScript();
std::string_view pageStyle();

namespace {

constexpr const char* kCookie = "ehagent_page";
constexpr const char* kPageClient = "status page";

// The page sessions this agent issued. In memory only: after a restart the page's cookie is
// unknown, and the page loads itself again to get a new one.
class PageSessions {
 public:
  std::string issue() {
    const std::string random = randomBytes(32);
    std::string token = base64UrlEncode(
        std::span(reinterpret_cast<const std::uint8_t*>(random.data()), random.size()));
    std::lock_guard lock(mutex_);
    tokens_.push_back(token);
    if (tokens_.size() > 64) tokens_.pop_front();  // a few tabs and browsers, not more
    return token;
  }
  bool valid(const std::string& token) const {
    std::lock_guard lock(mutex_);
    return !token.empty() && std::find(tokens_.begin(), tokens_.end(), token) != tokens_.end();
  }

 private:
  mutable std::mutex mutex_;
  std::deque<std::string> tokens_;
};

PageSessions& pageSessions() {
  static PageSessions sessions;
  return sessions;
}

std::string cookieOf(const Request& request) {
  const auto it = request.find(http::field::cookie);
  if (it == request.end()) return {};
  const std::string header(it->value());
  const std::string name = std::string(kCookie) + "=";
  for (std::size_t at = header.find(name); at != std::string::npos; at = header.find(name, at + 1)) {
    if (at != 0 && header[at - 1] != ' ' && header[at - 1] != ';') continue;
    const std::size_t start = at + name.size();
    return header.substr(start, header.find(';', start) - start);
  }
  return {};
}

// Another account on the same machine reaches the loopback port too; the page is only this user's.
void requireThisUser(const RequestContext& context) {
  if (context.tcp_socket < 0) return;  // the Unix socket: its peer was checked at accept
  const auto uid = loopbackPeerUid(context.tcp_socket);
  if (!uid || *uid != ::getuid()) {
    throw ProblemError(problems::pageForbidden());
  }
}

void requirePageSession(const Request& request, const RequestContext& context) {
  requireThisUser(context);
  if (!pageSessions().valid(cookieOf(request))) {
    throw ProblemError(problems::pageSessionRequired());
  }
}

// A post must come from the page itself: a form on another site carries that site's Origin
// (refused by the router already), a request without one is not a browser's page either.
void requireOwnOrigin(const Request& request) {
  if (fromOwnOrigin(request)) return;
  const auto origin = request.find(http::field::origin);
  throw ProblemError(problems::forbiddenOrigin(origin == request.end() ? "(none)" : std::string(origin->value())));
}

Response staticFile(const Request& request, std::string_view body, const char* type) {
  Response response{http::status::ok, request.version()};
  response.set(http::field::content_type, type);
  response.set(http::field::cache_control, "no-cache");
  response.keep_alive(request.keep_alive());
  response.body() = std::string(body);
  response.prepare_payload();
  return response;
}

bool fromScript(const Request& request) { return request.find("X-Ehagent-Page") != request.end(); }

// A form post without the script gets the page again, saying what refused it; the script's fetch
// gets the outcome (a refusal is its problem).
Response afterAction(const Request& request, const std::string& refused = {}) {
  const bool script = fromScript(request);
  Response response{script ? http::status::no_content : http::status::see_other, request.version()};
  if (!script) response.set(http::field::location, refused.empty() ? "/" : "/?refused=" + refused);
  response.keep_alive(request.keep_alive());
  response.prepare_payload();
  return response;
}

nlohmann::json probeHubs(const Config& config) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [name, hub] : config.hubs) {
    tokens::HttpClientOptions http = hub.http;
    http.connect_timeout = std::chrono::seconds(3);
    http.read_timeout = std::chrono::seconds(5);
    try {
      const tokens::HttpResponse answer = tokens::HttpClient(http).post(hub.url, "", {{"Content-Type", "text/xml"}});
      out[name] = {{"answers", true}, {"detail", "HTTP " + std::to_string(answer.status)}};
    } catch (const std::exception& e) {
      out[name] = {{"answers", false}, {"detail", e.what()}};
    }
  }
  return out;
}

AgentSession& pageSession(RequestContext& context) {
  if (!context.server.session) throw ProblemError(problems::noCard("no_reader"));
  return *context.server.session;
}

}  // namespace

void addPageRoutes(Router& router) {
  router.add({http::verb::get, "/", Access::none, "The status page (for the practitioner's browser)",
              [](const Request& request, RequestContext& context) -> boost::asio::awaitable<Response> {
                requireThisUser(context);
                PageView view;
                view.version = context.server.version;
                // The browser's languages first (Accept-Language), then the agent's.
                view.language = requestLanguage(request, context.server.config.language);
                view.status = context.server.state.snapshot();
                if (const auto it = context.query.find("refused"); it != context.query.end()) view.refused = it->second;
                const nlohmann::json who = view.status.value("practitioner", nlohmann::json());
                if (who.is_object()) {
                  AuditQuery query;
                  query.practitioner = who.value("ssin", "");
                  query.limit = 10;
                  query.newest_first = true;
                  for (const AuditRow& row : context.server.audit.query(query)) view.audit.push_back(auditRowJson(row));
                }
                for (const auto& [name, hub] : context.server.config.hubs) view.hubs[name] = hub.url;
                Response response{http::status::ok, request.version()};
                response.set(http::field::content_type, "text/html; charset=utf-8");
                response.set(http::field::cache_control, "no-store");
                response.set("Content-Security-Policy",
                             "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
                             "img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
                response.set("X-Frame-Options", "DENY");
                // Not no-referrer: under it a browser's own form post carries `Origin: null`,
                // which requireOwnOrigin must refuse. same-origin still tells other sites nothing.
                response.set("Referrer-Policy", "same-origin");
                response.set("X-Content-Type-Options", "nosniff");
                response.set(http::field::content_language, std::string(code(view.language)));
                response.set(http::field::vary, "Accept-Language");
                if (!pageSessions().valid(cookieOf(request))) {
                  response.set(http::field::set_cookie, std::string(kCookie) + "=" + pageSessions().issue() +
                                                            "; Path=/; HttpOnly; SameSite=Strict");
                }
                response.keep_alive(request.keep_alive());
                response.body() = renderStatusPage(view);
                response.prepare_payload();
                co_return response;
              }});
  router.add({http::verb::get, "/page.js", Access::none, "The status page's script",
              [](const Request& request, RequestContext&) -> boost::asio::awaitable<Response> {
                co_return staticFile(request, pageScript(), "text/javascript; charset=utf-8");
              }});
  router.add({http::verb::get, "/page.css", Access::none, "The status page's style",
              [](const Request& request, RequestContext&) -> boost::asio::awaitable<Response> {
                co_return staticFile(request, pageStyle(), "text/css; charset=utf-8");
              }});
  router.add({http::verb::get, "/page/v1/events", Access::none, "The status page's event stream",
              [](const Request& request, RequestContext& context) -> boost::asio::awaitable<Response> {
                requirePageSession(request, context);
                context.start_event_stream = true;
                Response response{http::status::ok, request.version()};
                response.set(http::field::content_type, "text/event-stream");
                response.set(http::field::cache_control, "no-store");
                co_return response;
              }});
  router.add({http::verb::get, "/page/v1/hubs", Access::none, "Whether each configured hub answers",
              [](const Request& request, RequestContext& context) -> boost::asio::awaitable<Response> {
                requirePageSession(request, context);
                const Config& config = context.server.config;
                std::function<nlohmann::json()> probe([&config] { return probeHubs(config); });
                const nlohmann::json hubs = co_await context.server.network.run<nlohmann::json>(std::move(probe));
                co_return jsonResponse(request, http::status::ok, hubs);
              }});
  router.add({http::verb::post, "/page/login", Access::none, "Log in from the status page",
              [](const Request& request, RequestContext& context) -> boost::asio::awaitable<Response> {
                requirePageSession(request, context);
                requireOwnOrigin(request);
                std::exception_ptr failure;
                try {
                  (void)co_await pageSession(context).login(kPageClient, context.client_gone);
                } catch (...) {
                  failure = std::current_exception();
                }
                if (failure && fromScript(request)) std::rethrow_exception(failure);  // the script's problem
                co_return afterAction(request, failure ? problemFromException(failure).code : std::string());
              }});
  router.add({http::verb::post, "/page/logout", Access::none, "Log out from the status page",
              [](const Request& request, RequestContext& context) -> boost::asio::awaitable<Response> {
                requirePageSession(request, context);
                requireOwnOrigin(request);
                pageSession(context).logout(kPageClient, "logout");
                co_return afterAction(request);
              }});
}

}  // namespace ehagent::agent
