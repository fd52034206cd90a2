#pragma once
// The rules every request passes before routing: the Host must name the listener (DNS
// rebinding), a browser Origin must be allowed, and CORS / Private Network Access preflights are
// answered here, for allowed origins only, without reaching a route or the audit log.
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "agent/http/router.hpp"

namespace ehagent::agent {

struct HygieneVerdict {
  std::optional<Response> response;  // set: answer this and stop (421, 403 or a preflight)
};

HygieneVerdict checkHygiene(const Request& request, const RequestContext& context);
// Whether the request's Origin is the agent's own (http://<its Host>): the status page's.
[[nodiscard]] bool fromOwnOrigin(const Request& request);
// Adds Access-Control-Allow-Origin and Vary for an allowed Origin.
void addCorsHeaders(const Request& request, const RequestContext& context, Response& response);
// "a=1&b=x%20y" after the '?', percent-decoded; '+' is a space.
std::map<std::string, std::string> parseQuery(std::string_view target);

}  // namespace ehagent::agent
