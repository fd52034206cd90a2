#pragma once
// Reads a hub's SOAP answer into JSON for the API: the acknowledgement (iscomplete, errors with
// their codes), the transaction list, and the audit trail (who consulted what, and when).
// Elements are matched by local name below the operation's response element: hubs differ in
// which of the protocol, core and KMEHR namespaces they put the inner elements in.
#include <string_view>

#include <nlohmann/json.hpp>

#include "hubs/types.hpp"

namespace ehagent::hubs {

// Throws tokens::Error("hub_fault") with the fault code and string for a SOAP fault, and
// tokens::Error("hub_bad_response") for an answer that is not a SOAP envelope with the expected response.
// The JSON: {"operation", "acknowledge": {"iscomplete", "errors": [{"code", "scheme",
// "description"}]}, "transactions": [...] (GetTransactionList), "accesses": [...]
// (GetPatientAuditTrail)}.
nlohmann::json parseHubResponse(std::string_view soapXml, Operation op);

}  // namespace ehagent::hubs
