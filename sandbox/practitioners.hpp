#pragma once
// The sandbox STS's practitioner table: who holds which NIHII and profession (the real STS asks
// the eHealth sources). Built in from sandbox/data/practitioners.json, or read from a file.
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ehagent::sandbox {

struct Practitioner {
  std::string ssin;
  std::string nihii;
  std::string profession;  // a profile name of tokens::StsProfiles
  std::string given_name;
  std::string surname;
};

class Practitioners {
 public:
  // Throws std::invalid_argument naming what is wrong.
  static Practitioners fromJson(std::string_view text);
  static Practitioners fromFile(const std::filesystem::path& file);
  static Practitioners builtin();

  [[nodiscard]] std::optional<Practitioner> find(std::string_view ssin) const;

 private:
  std::vector<Practitioner> rows_;
};

}  // namespace ehagent::sandbox
