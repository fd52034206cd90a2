#pragma once
// One function per route file; routes.cpp calls them all. Adding an endpoint is one new
// agent/routes/<name>.cpp with its add*Routes function, one line in routes.cpp, and its entry in
// openapi.json (a test fails until the document names it).
#include <string_view>

#include "agent/http/router.hpp"

namespace ehagent::agent {

void addMetaRoutes(Router& router);     // GET /v1/status, GET /openapi.json
void addCardRoutes(Router& router);     // GET /v1/cards
void addSessionRoutes(Router& router);  // POST, DELETE /v1/session
void addEventRoutes(Router& router);    // GET /v1/events
void addAuditRoutes(Router& router);    // GET /v1/audit
void addSignRoutes(Router& router);     // POST /v1/sign
void addPageRoutes(Router& router);     // GET /, the status page, and its /page/ routes
void addProblemPageRoutes(Router& router);  // GET /problems/{code}: what each problem `type` names

// The OpenAPI 3.1 document (agent/openapi.json, embedded at build time).
std::string_view openApiDocument();

}  // namespace ehagent::agent
