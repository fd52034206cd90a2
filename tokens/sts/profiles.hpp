#pragma once
// What the STS is asked for, per profession. The table is data (sts_profiles.json.inc, built in,
// or a file named by the [sts] config), so a new profession or a changed URI needs no code change.
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace ehagent::tokens {

struct StsProfile {
  std::string name;     // "doctor", "nurse", ...
  std::string hcparty;  // KMEHR CD-HCPARTY code, e.g. "persphysician"
  std::string nihii_attribute;
  std::vector<std::string> boolean_attributes;
};

class StsProfiles {
 public:
  // Throws tokens::Error("invalid_input") naming what is wrong in the table.
  static StsProfiles fromJson(std::string_view text);
  static StsProfiles fromFile(const std::filesystem::path& file);
  static const StsProfiles& builtin();

  // Throws tokens::Error("unknown_profession").
  [[nodiscard]] const StsProfile& profile(std::string_view profession) const;
  [[nodiscard]] std::vector<std::string> professions() const;

  // The SSIN-valued claims, sent with <auth:Value>.
  [[nodiscard]] const std::vector<std::string>& identityAttributes() const noexcept { return identity_; }
  // The value-less claims for a profession, in the doctor order of PROTOCOLS.md.
  [[nodiscard]] std::vector<std::string> designators(std::string_view profession) const;
  [[nodiscard]] const std::string& givenNameAttribute() const noexcept { return given_name_; }
  [[nodiscard]] const std::string& surnameAttribute() const noexcept { return surname_; }

  // The profile that owns an attribute URI as its NIHII or a boolean, or nullptr.
  [[nodiscard]] const StsProfile* ownerOf(std::string_view attribute_uri) const;

 private:
  std::vector<std::string> identity_;
  std::string given_name_;
  std::string surname_;
  std::map<std::string, StsProfile, std::less<>> profiles_;
};

}  // namespace ehagent::tokens
