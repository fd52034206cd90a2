#include "hubs/types.hpp"

#include <array>
#include <utility>

namespace ehagent::hubs {
namespace {

constexpr std::array<std::pair<Operation, std::string_view>, 7> operation_names{{
    {Operation::PutTransaction, "PutTransaction"},
    {Operation::GetTransactionList, "GetTransactionList"},
    {Operation::PutPatientConsent, "PutPatientConsent"},
    {Operation::RevokePatientConsent, "RevokePatientConsent"},
    {Operation::PutTherapeuticLink, "PutTherapeuticLink"},
    {Operation::RevokeTherapeuticLink, "RevokeTherapeuticLink"},
    {Operation::GetPatientAuditTrail, "GetPatientAuditTrail"},
}};

constexpr std::string_view action_prefix = "urn:be:fgov:ehealth:intrahub:protocol:v3:";

}  // namespace

std::string_view operationName(Operation op) {
  for (const auto& [o, name] : operation_names) {
    if (o == op) return name;
  }
  return "Unknown";
}

std::string soapAction(Operation op) { return std::string(action_prefix) + std::string(operationName(op)); }

std::optional<Operation> operationFromSoapAction(std::string_view action) {
  // SOAP 1.1 clients often quote the SOAPAction header value.
  if (action.size() >= 2 && action.front() == '"' && action.back() == '"') {
    action = action.substr(1, action.size() - 2);
  }
  if (!action.starts_with(action_prefix)) return std::nullopt;
  action.remove_prefix(action_prefix.size());
  for (const auto& [o, name] : operation_names) {
    if (name == action) return o;
  }
  return std::nullopt;
}

}  // namespace ehagent::hubs
