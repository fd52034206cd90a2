#include "hubs/link_types.hpp"

#include <nlohmann/json.hpp>

namespace ehagent::hubs {
namespace {

// The table is JSON rather than C++ so that a hub's list can be reviewed and changed as data.
// Durations follow the usual hub practice: a GP consultation link lasts about a year and a half,
// the others a year or less.
constexpr const char* link_types_json = R"json([
  {"code": "gpconsultation",      "hcparty": ["persphysician"], "months": 15},
  {"code": "gpnightconsultation", "hcparty": ["persphysician"], "months": 3},
  {"code": "hospitalization",     "hcparty": [],                "months": 3},
  {"code": "consultation",        "hcparty": [],                "months": 12},
  {"code": "emergency",           "hcparty": [],                "months": 1},
  {"code": "referral",            "hcparty": [],                "months": 12},
  {"code": "homecare",            "hcparty": ["persnurse", "persphysician"], "months": 12},
  {"code": "pharmacy",            "hcparty": ["perspharmacist"], "months": 12},
  {"code": "multidisciplinaryconsultation", "hcparty": [],      "months": 12}
])json";

std::vector<LinkType> load() {
  std::vector<LinkType> out;
  for (const auto& j : nlohmann::json::parse(link_types_json)) {
    out.push_back(LinkType{j.at("code").get<std::string>(),
                           j.at("hcparty").get<std::vector<std::string>>(),
                           j.at("months").get<int>()});
  }
  return out;
}

}  // namespace

const std::vector<LinkType>& linkTypes() {
  static const std::vector<LinkType> types = load();
  return types;
}

std::optional<LinkType> findLinkType(std::string_view code) {
  for (const auto& t : linkTypes()) {
    if (t.code == code) return t;
  }
  return std::nullopt;
}

}  // namespace ehagent::hubs
