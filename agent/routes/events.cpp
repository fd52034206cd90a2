#include "agent/routes/routes.hpp"

namespace ehagent::agent {

void addEventRoutes(Router& router) {
  router.add({http::verb::get, "/v1/events", Access::key,
              "Server-Sent Events: card and session changes",
              [](const Request& request, RequestContext& context) -> boost::asio::awaitable<Response> {
                // The connection layer streams the events after this header (server_sse.cpp).
                context.start_event_stream = true;
                Response response{http::status::ok, request.version()};
                response.set(http::field::content_type, "text/event-stream");
                response.set(http::field::cache_control, "no-store");
                co_return response;
              }});
}

}  // namespace ehagent::agent
