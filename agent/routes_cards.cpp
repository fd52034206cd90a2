#include "agent/routes.hpp"

// cards.{hpp,cpp} belong to the PKCS#11 side of the agent; until they land, the route answers
// with an empty list instead of failing the build.
#if __has_include("agent/cards.hpp")
#include "agent/cards.hpp"
#define EHAGENT_HAVE_DESCRIBE_CARDS 1
#endif

namespace ehagent::agent {

void addCardRoutes(Router& router) {
  router.add({http::verb::get, "/v1/cards", true,
              "Every configured module's slots and tokens, as `ehagent cards --json` shows them",
              [](const Request& request, RequestContext& context) -> boost::asio::awaitable<Response> {
#ifdef EHAGENT_HAVE_DESCRIBE_CARDS
                const std::vector<std::string> modules = context.server.config.modules;
                // Reading the modules talks to the cards: it runs on a card queue, not here.
                nlohmann::json cards = co_await context.server.queues.forToken("describe").run(
                    std::function<nlohmann::json()>([modules] { return describeCards(modules); }));
#else
                nlohmann::json cards = nlohmann::json::array();
                (void)context;
#endif
                co_return jsonResponse(request, http::status::ok, cards);
              }});
}

}  // namespace ehagent::agent
