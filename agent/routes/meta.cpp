#include "agent/routes/routes.hpp"

namespace ehagent::agent {

void addMetaRoutes(Router& router) {
  router.add({http::verb::get, "/v1/status", Access::optional,
              "The agent's version; to a client also its modules, readers and who is logged in",
              [](const Request& request, RequestContext& context) -> boost::asio::awaitable<Response> {
                // Any local account may ask (a terminal server has many): who is logged in, and
                // which patient's card is in the reader, is for registered clients only.
                if (context.client.empty()) {
                  co_return jsonResponse(request, http::status::ok, {{"version", context.server.version}});
                }
                // Version and modules are fixed for the server's life, so they may be cached.
                const auto body = context.server.state.rendered([&](nlohmann::json& status) {
                  status["version"] = context.server.version;
                  status["modules"] = context.server.config.modules;
                });
                co_return jsonTextResponse(request, http::status::ok, *body);
              }});
  router.add({http::verb::get, "/openapi.json", Access::none, "This API's OpenAPI 3.1 document",
              [](const Request& request, RequestContext&) -> boost::asio::awaitable<Response> {
                Response response{http::status::ok, request.version()};
                response.set(http::field::content_type, "application/json");
                response.keep_alive(request.keep_alive());
                response.body() = std::string(openApiDocument());
                response.prepare_payload();
                co_return response;
              }});
}

}  // namespace ehagent::agent
