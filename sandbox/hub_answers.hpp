#pragma once
// The sandbox hub's SOAP answers, in the intrahub v3 response shape that
// hubs::parseHubResponse reads: response header, acknowledge, and the lists.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sandbox/hub_store.hpp"
#include "hubs/types.hpp"

namespace ehagent::sandbox::hubsoap {

struct Ack {
  bool complete = true;
  std::vector<std::pair<std::string, std::string>> errors;  // code, description
};

std::string fault(std::string_view code, std::string_view text);  // "soapenv:Client", ...
std::string answer(hubs::Operation op, const std::string& hubId, const Ack& ack,
                   const std::string& inner = {});
std::string transactionList(const std::string& patient, const std::vector<StoredTransaction>& txs);
std::string auditTrail(const std::vector<Access>& accesses);

}  // namespace ehagent::sandbox::hubsoap
