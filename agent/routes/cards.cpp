#include "agent/routes/routes.hpp"

#include "agent/session/card_queue.hpp"
#include "agent/session/cards.hpp"

namespace ehagent::agent {

void addCardRoutes(Router& router) {
  router.add({http::verb::get, "/v1/cards", Access::key,
              "Every configured module's slots and tokens, as `ehagent cards --json` shows them",
              [](const Request& request, RequestContext& context) -> boost::asio::awaitable<Response> {
                // Reading the modules talks to the cards: it runs on a card queue, not here.
                // The job is a named local and the result is assigned apart: GCC 12 destroys
                // temporaries inside a co_await expression twice (a double free of the module list).
                std::function<nlohmann::json()> describe = [modules = context.server.config.modules] {
                  return describeCards(modules);
                };
                nlohmann::json cards;
                cards = co_await context.server.queues.forToken("describe").run(std::move(describe));
                co_return jsonResponse(request, http::status::ok, cards);
              }});
}

}  // namespace ehagent::agent
