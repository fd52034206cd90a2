#include "agent/routes.hpp"

namespace ehagent::agent {

Router makeRouter() {
  Router router;
  addMetaRoutes(router);
  addCardRoutes(router);
  addSessionRoutes(router);
  addEventRoutes(router);
  addAuditRoutes(router);
  addSignRoutes(router);
  return router;
}

}  // namespace ehagent::agent
