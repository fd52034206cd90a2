#include "agent/routes/routes.hpp"

#include "agent/routes/hubs.hpp"
#include "agent/routes/tokens.hpp"

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
  addPageRoutes(router);
  addProblemPageRoutes(router);
  return router;
}

}  // namespace ehagent::agent
