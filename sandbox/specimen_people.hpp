#pragma once
// The fictitious practitioners of the specimen. SSINs and NIHII numbers pass their checks and
// belong to nobody.
#include <array>
#include <string>

namespace ehagent::sandbox {

struct SpecimenPerson {
  std::string handle;  // file-name stem: "alice"
  std::string givenName;
  std::string surname;
  std::string ssin;
  std::string nihii;
  std::string profession;  // the eHealth certificate OU
  bool ecCard;             // applet 1.8 (EC P-384) rather than 1.7 (RSA-2048)
  std::string gender;
  std::string dateOfBirth;
  std::string placeOfBirth;
  std::string cardNumber;
  std::string chipNumber;

  [[nodiscard]] std::string fullName() const { return givenName + " " + surname; }
};

inline const std::array<SpecimenPerson, 2>& specimenPeople() {
  static const std::array<SpecimenPerson, 2> people{{
      {"alice", "Alice", "SPECIMEN", "78031215280", "10012378004", "DOCTOR", false, "F", "12.03.1978", "Brussel",
       "592000012345", "534C494E336600296CFF2623660B0826"},
      {"bob", "Bob", "SPECIMEN", "82110523358", "10045636003", "DOCTOR", true, "M", "05.11.1982", "Gent",
       "592000067890", "534C494E336600296CFF2623660B0827"},
  }};
  return people;
}

}  // namespace ehagent::sandbox
