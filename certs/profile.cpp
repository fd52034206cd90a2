#include "certs/profile.hpp"

#include <algorithm>
#include <cctype>
#include <string_view>

#include "certs/identifiers.hpp"

namespace ehagent::certs {
namespace {

std::string upper(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::string trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return std::string(s);
}

std::optional<std::string> firstNonEmpty(const std::vector<std::string>& values) {
  for (const auto& v : values) {
    auto t = trim(v);
    if (!t.empty()) return t;
  }
  return std::nullopt;
}

// The value after "KEY=" (case-insensitive key) in any of the values, trimmed.
std::optional<std::string> taggedValue(const std::vector<std::string>& values,
                                       std::string_view key) {
  for (const auto& v : values) {
    const auto eq = v.find('=');
    if (eq == std::string::npos) continue;
    if (upper(trim(std::string_view(v).substr(0, eq))) == key) return trim(v.substr(eq + 1));
  }
  return std::nullopt;
}

void checkNumber(std::optional<std::string>& field, const char* name, bool (*valid)(std::string_view),
                 std::vector<std::string>& missing, std::vector<std::string>& invalid) {
  if (!field) {
    missing.emplace_back(name);
  } else if (!valid(*field)) {
    invalid.emplace_back(name);
    field.reset();
  }
}

bool endsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

}  // namespace

const char* toString(EidRole role) noexcept {
  switch (role) {
    case EidRole::Authentication: return "authentication";
    case EidRole::Signature: return "signature";
    case EidRole::Unknown: break;
  }
  return "unknown";
}

EidProfile readEidProfile(const Certificate& cert) {
  EidProfile p;
  p.ssin = firstNonEmpty(cert.subjectAttribute("serialNumber"));
  checkNumber(p.ssin, "ssin", isValidSsin, p.missing, p.invalid);
  p.givenName = firstNonEmpty(cert.subjectAttribute("GN"));
  if (!p.givenName) p.missing.emplace_back("givenName");
  p.surname = firstNonEmpty(cert.subjectAttribute("SN"));
  if (!p.surname) p.missing.emplace_back("surname");

  const KeyUsage ku = cert.keyUsage();
  if (ku.present) {
    if (ku.nonRepudiation) {
      p.role = EidRole::Signature;
    } else if (ku.digitalSignature) {
      p.role = EidRole::Authentication;
    }
  } else {
    const auto cn = firstNonEmpty(cert.subjectAttribute("CN")).value_or("");
    if (endsWith(cn, "(Authentication)")) p.role = EidRole::Authentication;
    if (endsWith(cn, "(Signature)")) p.role = EidRole::Signature;
  }
  if (p.role == EidRole::Unknown) p.missing.emplace_back("role");
  return p;
}

const std::vector<std::string>& knownProfessions() {
  static const std::vector<std::string> words{
      "DOCTOR", "NURSE", "DENTIST", "PHYSIOTHERAPIST", "MIDWIFE", "PHARMACIST",
      "PSYCHOLOGIST", "ORTHOPEDAGOGIST", "DIETICIAN", "SPEECH_THERAPIST", "OCCUPATIONAL_THERAPIST",
      "AUDIOLOGIST", "OPTICIAN", "PODOLOGIST", "LABO", "HOSPITAL"};
  return words;
}

EhealthProfile readEhealthProfile(const Certificate& cert) {
  EhealthProfile p;
  const auto ous = cert.subjectAttribute("OU");
  const auto cns = cert.subjectAttribute("CN");

  p.ssin = taggedValue(ous, "SSIN");
  if (!p.ssin) p.ssin = taggedValue(cns, "SSIN");
  checkNumber(p.ssin, "ssin", isValidSsin, p.missing, p.invalid);

  p.nihii = taggedValue(ous, "NIHII-NUMBER");
  if (!p.nihii) p.nihii = taggedValue(ous, "NIHII");
  checkNumber(p.nihii, "nihii", isWellFormedNihii, p.missing, p.invalid);
  if (p.nihii && !nihiiCheckDigitsMatch(*p.nihii)) p.warnings.emplace_back("nihii_check_digits");

  const auto& words = knownProfessions();
  for (const auto& ou : ous) {
    const auto word = upper(trim(ou));
    if (std::find(words.begin(), words.end(), word) != words.end()) {
      p.profession = word;
      break;
    }
  }
  if (!p.profession) p.missing.emplace_back("profession");
  return p;
}

}  // namespace ehagent::certs
