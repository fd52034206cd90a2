// The session routes. Until the card monitor and the session land, no card is ever present:
// a login is refused with no_card, and that refusal is audited like any other.
#include "agent/routes.hpp"

namespace ehagent::agent {

void addSessionRoutes(Router& router) {
  router.add({http::verb::post, "/v1/session", true,
              "Log the practitioner in (PIN through pinentry or the pinpad)",
              [](const Request&, RequestContext& context) -> boost::asio::awaitable<Response> {
                const Problem refused = problems::noCard("no eID card is inserted");
                context.server.audit.append(
                    AuditEntry{context.client, "", "login", "", "", "refused", refused.code});
                throw ProblemError(refused);
                co_return Response{};
              }});
  router.add({http::verb::delete_, "/v1/session", true, "Log out and forget the PIN state",
              [](const Request& request, RequestContext&) -> boost::asio::awaitable<Response> {
                Response response{http::status::no_content, request.version()};
                response.keep_alive(request.keep_alive());
                response.prepare_payload();
                co_return response;
              }});
}

}  // namespace ehagent::agent
