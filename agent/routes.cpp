#include "agent/routes.hpp"

#include "agent/routes_hubs.hpp"
#include "agent/routes_tokens.hpp"

namespace ehagent::agent {

Router makeRouter() {
  Router router;
  addMetaRoutes(router);
  addCardRoutes(router);
  addSessionRoutes(router);
  addEventRoutes(router);
  addAuditRoutes(router);
  addSignRoutes(router);
  addTokenRoutes(router);
  addHubRoutes(router);
  return router;
}

}  // namespace ehagent::agent
