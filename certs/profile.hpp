#pragma once
// What a certificate says about its holder, read leniently: a field that is absent or malformed
// is left empty and named in `missing`/`invalid`, never guessed.
#include <optional>
#include <string>
#include <vector>

#include "certs/certificate.hpp"

namespace ehagent::certs {

enum class EidRole { Authentication, Signature, Unknown };
[[nodiscard]] const char* toString(EidRole role) noexcept;

struct EidProfile {
  std::optional<std::string> ssin;  // subject serialNumber, mod-97 checked
  std::optional<std::string> givenName;
  std::optional<std::string> surname;
  EidRole role = EidRole::Unknown;
  std::vector<std::string> missing;  // "ssin", "givenName", "surname", "role"
  std::vector<std::string> invalid;  // present but malformed, e.g. "ssin"
  [[nodiscard]] bool complete() const { return missing.empty() && invalid.empty(); }
};

// Authentication = digitalSignature without nonRepudiation, Signature = nonRepudiation; without a
// keyUsage extension the CN suffix "(Authentication)"/"(Signature)" decides.
[[nodiscard]] EidProfile readEidProfile(const Certificate& cert);

struct EhealthProfile {
  std::optional<std::string> ssin;        // "SSIN=" in an OU or the CN
  std::optional<std::string> nihii;       // "NIHII-NUMBER=" or "NIHII=" in an OU
  std::optional<std::string> profession;  // upper case, one of knownProfessions()
  std::vector<std::string> missing;       // "ssin", "nihii", "profession"
  std::vector<std::string> invalid;       // present but malformed (dropped), e.g. "nihii"
  // Kept but doubtful: "nihii_check_digits" when a well-formed NIHII fails the check rule that is
  // implemented (certs/identifiers.cpp says why that is not a refusal).
  std::vector<std::string> warnings;
  [[nodiscard]] bool complete() const { return missing.empty() && invalid.empty(); }
};

[[nodiscard]] EhealthProfile readEhealthProfile(const Certificate& cert);

// The OU words eHealth uses for a practitioner's quality.
[[nodiscard]] const std::vector<std::string>& knownProfessions();

}  // namespace ehagent::certs
