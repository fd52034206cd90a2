#pragma once
// GET /v1/tokens/saml and POST /v1/tokens/jwt. Register with addTokenRoutes(router) in
// routes.cpp; the OpenAPI document describes both.
#include "agent/http/router.hpp"

namespace ehagent::agent {

void addTokenRoutes(Router& router);

}  // namespace ehagent::agent
