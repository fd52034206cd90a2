#pragma once
// Request handling as a plain function of (request, context) -> response, apart from the socket
// code, so that every route and every hygiene rule is testable without a socket. Handlers are
// coroutines because card work completes later on the card queue's worker.
#include <functional>
#include <map>
#include <optional>
#include <stop_token>
#include <string>
#include <utility>  // before asio: Boost 1.74 awaitable.hpp uses std::exchange without it
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

#include "agent/store/audit.hpp"
#include "agent/store/clients.hpp"
#include "agent/config/config.hpp"
#include "agent/store/events.hpp"
#include "agent/http/problem.hpp"

namespace ehagent::agent {

class AgentSession;  // agent/session/session.hpp
class CardQueues;    // agent/session/card_queue.hpp
class WorkerPool;    // agent/session/worker_pool.hpp

namespace http = boost::beast::http;
using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

// Everything the routes share; owned by whoever runs the server (or a test).
struct ServerContext {
  Config config;
  ClientStore& clients;
  AuditLog& audit;
  CardQueues& queues;
  WorkerPool& network;  // STS, hub, OCSP and CRL calls
  EventBus& events;
  StateBoard& state;
  std::string version;
  AgentSession* session = nullptr;  // the card monitor's session (agent/session/session.hpp); null: no cards
};

struct RequestContext {
  ServerContext& server;
  // Host header values that name the listener this request came in on.
  std::vector<std::string> accepted_hosts;
  std::string client;                             // set once the bearer key is checked; empty: none
  std::map<std::string, std::string> path_params;  // {hub} -> "rsw"
  std::map<std::string, std::string> query;        // decoded query parameters
  bool start_event_stream = false;  // set by GET /v1/events: the connection turns into SSE
  // Stopped when the client disconnects while its request is handled: a PIN dialog it opened closes.
  std::stop_token client_gone;
  // The connection's descriptor on loopback TCP (-1 on the Unix socket, whose peer is checked to
  // be this user at accept): the status page looks its peer up (agent/http/peer_user.hpp); no
  // other route pays for that.
  int tcp_socket = -1;
};

using Handler = std::function<boost::asio::awaitable<Response>(const Request&, RequestContext&)>;

// Who may call a route. `optional`: anyone, and a client that sends a valid key is told more
// (GET /v1/status tells people apart only to a client); a key that is sent must be valid.
enum class Access { key, none, optional };

struct Route {
  http::verb method;
  std::string pattern;  // "/v1/hubs/{hub}/consents/{ssin}"
  Access access = Access::key;
  std::string summary;
  Handler handler;
};

class Router {
 public:
  void add(Route route);
  const std::vector<Route>& routes() const noexcept { return routes_; }
  // Host, Origin, preflight, auth, routing, and the mapping of every exception to a problem.
  boost::asio::awaitable<Response> handle(const Request& request, RequestContext& context) const;

 private:
  std::vector<Route> routes_;
};

// Audits a request whose body exceeded the limit, when a registered client sent it.
void auditOversizedRequest(ServerContext& server, const Request& header);

// The router with every route of the API (routes.cpp lists the route files).
Router makeRouter();

// Host header values for a TCP listener on `port` and for the Unix socket.
std::vector<std::string> tcpAcceptedHosts(unsigned short port);
std::vector<std::string> unixAcceptedHosts();

// Response helpers shared by the route files and the server.
Response jsonResponse(const Request& request, http::status status, const nlohmann::json& body);
// The same for a body already serialised as JSON.
Response jsonTextResponse(const Request& request, http::status status, std::string body);
// The request's Accept-Language when it names one of the four, else `fallback` (the config's).
[[nodiscard]] Language requestLanguage(const Request& request, Language fallback);
// In requestLanguage(request, fallback).
Response problemResponse(const Request& request, const Problem& problem, Language fallback);
// Parses the body as JSON; malformed JSON is invalid_input with pointer "".
nlohmann::json parseJsonBody(const Request& request);
// A required string member; missing or not a string is invalid_input pointing at it.
std::string requireString(const nlohmann::json& body, const std::string& member);

}  // namespace ehagent::agent
