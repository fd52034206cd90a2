// POST /v1/session logs the practitioner in (the PINs through pinentry or the pinpad, then the
// STS token when [sts] is configured); DELETE /v1/session logs out. The session audits both.
#include "agent/routes/routes.hpp"
#include "agent/session/session.hpp"

namespace ehagent::agent {
namespace {

AgentSession& sessionOf(RequestContext& context, const std::string& operation) {
  if (context.server.session) return *context.server.session;
  const Problem refused = problems::noCard("no_reader");
  context.server.audit.append(AuditEntry{context.client, "", operation, "", "", "refused", refused.code});
  throw ProblemError(refused);
}

nlohmann::json practitionerBody(const std::optional<PractitionerInfo>& who) {
  if (!who) return nullptr;
  return {{"name", who->first_names + " " + who->surname}, {"ssin", who->ssin}, {"nihii", who->nihii},
          {"profession", who->profession}, {"warnings", practitionerWarningsJson(*who)}};
}

}  // namespace

void addSessionRoutes(Router& router) {
  router.add({http::verb::post, "/v1/session", Access::key,
              "Log the practitioner in (PIN through pinentry or the pinpad)",
              [](const Request& request, RequestContext& context) -> boost::asio::awaitable<Response> {
                AgentSession& session = sessionOf(context, "login");
                const nlohmann::json described = co_await session.login(context.client, context.client_gone);
                co_return jsonResponse(request, http::status::ok,
                                       {{"session", described}, {"practitioner", practitionerBody(session.identified())}});
              }});
  router.add({http::verb::delete_, "/v1/session", Access::key, "Log out and forget the PIN state",
              [](const Request& request, RequestContext& context) -> boost::asio::awaitable<Response> {
                if (context.server.session) context.server.session->logout(context.client, "logout");
                Response response{http::status::no_content, request.version()};
                response.keep_alive(request.keep_alive());
                response.prepare_payload();
                co_return response;
              }});
}

}  // namespace ehagent::agent
