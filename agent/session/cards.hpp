#pragma once
// `ehagent cards`: every slot of every PKCS#11 module, the token kind, the eID holder, the
// certificates and the PIN status. Reads only what a card shows without a PIN; never logs in.
#include <iosfwd>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace ehagent::agent {

// An array with one entry per module: {"path", "library", "slots": [...]} or, when the module
// does not load, {"path", "error": "<one line>"}. An empty modules list means the default list
// (pkcs11/module_list.hpp). GET /v1/cards answers with this.
[[nodiscard]] nlohmann::json describeCards(const std::vector<std::string>& modules);

// Prints describeCards as text (or JSON with json=true). Returns 0 when at least one module
// loaded, 1 otherwise.
int runCardsCommand(const std::vector<std::string>& modules, bool json, std::ostream& out, std::ostream& err);

}  // namespace ehagent::agent
