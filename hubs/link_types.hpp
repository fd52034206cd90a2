#pragma once
// The therapeutic link types a hub accepts (CD-THERAPEUTICLINKTYPE), kept as data: which ones exist,
// which professions may declare them, and how long a link lasts when the client gives no end date.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ehagent::hubs {

struct LinkType {
  std::string code;                       // gpconsultation, ...
  std::vector<std::string> hcpartyCodes;  // professions allowed to declare it; empty: any
  int defaultDurationMonths = 0;          // used when no end date is given
};

const std::vector<LinkType>& linkTypes();
std::optional<LinkType> findLinkType(std::string_view code);

}  // namespace ehagent::hubs
