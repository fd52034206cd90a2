#include "tokens/sts/profiles.hpp"
#include "core/file.hpp"

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "tokens/error.hpp"

namespace ehagent::tokens {
namespace {

constexpr const char* kBuiltinProfiles =
#include "tokens/sts/profiles.json.inc"
    ;

std::string requireUrn(const nlohmann::json& node, const std::string& where) {
  if (!node.is_string() || node.get<std::string>().rfind("urn:", 0) != 0) {
    throw Error("invalid_input", "STS profiles: " + where + " must be a urn: string");
  }
  return node.get<std::string>();
}

}  // namespace

StsProfiles StsProfiles::fromJson(std::string_view text) {
  const auto doc = nlohmann::json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) throw Error("invalid_input", "STS profiles: not a JSON object");
  StsProfiles result;
  if (!doc.contains("identity_attributes") || !doc["identity_attributes"].is_array() ||
      doc["identity_attributes"].empty()) {
    throw Error("invalid_input", "STS profiles: identity_attributes must be a non-empty array");
  }
  for (const auto& uri : doc["identity_attributes"]) result.identity_.push_back(requireUrn(uri, "identity_attributes"));
  result.given_name_ = requireUrn(doc.value("given_name_attribute", nlohmann::json()), "given_name_attribute");
  result.surname_ = requireUrn(doc.value("surname_attribute", nlohmann::json()), "surname_attribute");
  if (!doc.contains("profiles") || !doc["profiles"].is_object() || doc["profiles"].empty()) {
    throw Error("invalid_input", "STS profiles: profiles must be a non-empty object");
  }
  for (const auto& [name, node] : doc["profiles"].items()) {
    if (!node.is_object()) throw Error("invalid_input", "STS profiles: profile " + name + " is not an object");
    StsProfile profile;
    profile.name = name;
    profile.hcparty = node.value("hcparty", "");
    profile.nihii_attribute = requireUrn(node.value("nihii_attribute", nlohmann::json()), name + ".nihii_attribute");
    const auto booleans = node.value("boolean_attributes", nlohmann::json::array());
    if (!booleans.is_array() || booleans.empty()) {
      throw Error("invalid_input", "STS profiles: " + name + ".boolean_attributes must be a non-empty array");
    }
    for (const auto& uri : booleans) profile.boolean_attributes.push_back(requireUrn(uri, name + ".boolean_attributes"));
    result.profiles_.emplace(name, std::move(profile));
  }
  return result;
}

StsProfiles StsProfiles::fromFile(const std::filesystem::path& file) {
  const auto text = readFile(file);
  if (!text) throw Error("invalid_input", "cannot read the STS profiles file " + file.string());
  return fromJson(*text);
}

const StsProfiles& StsProfiles::builtin() {
  static const StsProfiles profiles = fromJson(kBuiltinProfiles);
  return profiles;
}

const StsProfile& StsProfiles::profile(std::string_view profession) const {
  const auto it = profiles_.find(profession);
  if (it == profiles_.end()) {
    throw Error("unknown_profession", "no STS profile for the profession '" + std::string(profession) + "'");
  }
  return it->second;
}

std::vector<std::string> StsProfiles::professions() const {
  std::vector<std::string> names;
  for (const auto& [name, profile] : profiles_) names.push_back(name);
  return names;
}

std::vector<std::string> StsProfiles::designators(std::string_view profession) const {
  const auto& p = profile(profession);
  std::vector<std::string> uris;
  // The doctor order of PROTOCOLS.md: first boolean, NIHII, names, then the other booleans.
  uris.push_back(p.boolean_attributes.front());
  uris.push_back(p.nihii_attribute);
  uris.push_back(given_name_);
  uris.push_back(surname_);
  for (std::size_t i = 1; i < p.boolean_attributes.size(); ++i) uris.push_back(p.boolean_attributes[i]);
  return uris;
}

const StsProfile* StsProfiles::ownerOf(std::string_view attribute_uri) const {
  for (const auto& [name, profile] : profiles_) {
    if (profile.nihii_attribute == attribute_uri) return &profile;
    if (std::ranges::find(profile.boolean_attributes, attribute_uri) != profile.boolean_attributes.end()) {
      return &profile;
    }
  }
  return nullptr;
}

}  // namespace ehagent::tokens
