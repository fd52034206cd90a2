#include <algorithm>

#include "agent/routes/routes.hpp"
#include "core/error.hpp"
#include "core/time.hpp"

namespace ehagent::agent {
namespace {

bool allDigits(const std::string& text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

AuditQuery readQuery(const std::map<std::string, std::string>& params) {
  AuditQuery query;
  for (const auto& [name, value] : params) {
    if (name == "since") {
      // Any RFC 3339 time, with Z or an offset; stored times are UTC with milliseconds, so the
      // bound is written the same way (rounded up to the next millisecond) and compares as text.
      try {
        query.since = formatDateTime(std::chrono::ceil<std::chrono::milliseconds>(parseDateTime(value)));
      } catch (const Error&) {
        throw ProblemError(problems::invalidInput(
            "/since", "since must be an RFC 3339 time with a zone, such as 2026-01-31T09:00:00+01:00"));
      }
    } else if (name == "operation") {
      query.operation = value;
    } else if (name == "patient") {
      if (value.size() != 11 || !allDigits(value)) {
        throw ProblemError(problems::invalidInput("/patient", "patient must be an 11-digit SSIN"));
      }
      query.patient = value;
    } else if (name == "limit") {
      if (value.empty() || value.size() > 5 || !allDigits(value) || std::stoul(value) == 0) {
        throw ProblemError(problems::invalidInput("/limit", "limit must be 1 to 99999"));
      }
      query.limit = std::stoul(value);
    } else {
      throw ProblemError(problems::invalidInput("/" + name, "unknown query parameter '" + name + "'"));
    }
  }
  return query;
}

}  // namespace

void addAuditRoutes(Router& router) {
  router.add({http::verb::get, "/v1/audit", Access::key,
              "Audit rows, filtered by since, operation and patient",
              [](const Request& request, RequestContext& context) -> boost::asio::awaitable<Response> {
                const AuditQuery query = readQuery(context.query);
                nlohmann::json rows = nlohmann::json::array();
                for (const AuditRow& row : context.server.audit.query(query)) {
                  rows.push_back(auditRowJson(row));
                }
                co_return jsonResponse(request, http::status::ok, {{"rows", rows}});
              }});
}

}  // namespace ehagent::agent
