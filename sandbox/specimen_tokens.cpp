#include "sandbox/specimen_tokens.hpp"

#include <optional>
#include <stdexcept>

#include "pkcs11/objects.hpp"
#include "core/secret.hpp"
#include "pkcs11/session.hpp"
#include "sandbox/specimen.hpp"

namespace ehagent::sandbox {
namespace {

using pkcs11::Bytes;
using ModulePtr = std::shared_ptr<pkcs11::Module>;

Bytes bytesOf(const std::string& text) { return Bytes(text.begin(), text.end()); }

// Initialises the token in SoftHSM's free slot, sets the user PIN, and returns a logged-in
// read-write session. SoftHSM gives the slot a new id after C_InitToken, so it is found again
// by label.
pkcs11::Session freshToken(const ModulePtr& module, const std::string& label) {
  std::optional<pkcs11::SlotId> free;
  for (auto slot : module->slotIds(true)) {
    if (!module->tokenInfo(slot).tokenInitialized) {
      free = slot;
      break;
    }
  }
  if (!free) throw std::runtime_error("SoftHSM offers no free slot for token " + label);
  module->initToken(*free, Secret(kSpecimenSoPin), label);
  for (auto slot : module->slotIds(true)) {
    const auto info = module->tokenInfo(slot);
    if (!info.tokenInitialized || info.label != label) continue;
    {
      pkcs11::Session so(module, slot, true);
      so.loginSecurityOfficer(Secret(kSpecimenSoPin));
      so.initPin(Secret(kSpecimenPin));
      so.logout();
    }
    pkcs11::Session user(module, slot, true);
    user.login(Secret(kSpecimenPin));
    return user;
  }
  throw std::runtime_error("token " + label + " not found after initialisation");
}

std::vector<std::pair<std::string, std::string>> eidSubject(const SpecimenPerson& p, const std::string& role) {
  return {{"C", "BE"},
          {"CN", p.fullName() + " (" + role + ")"},
          {"SN", p.surname},
          {"GN", p.givenName},
          {"serialNumber", p.ssin}};
}

void importIssued(pkcs11::Session& session, const Issued& cert, const std::string& label, const Bytes& id) {
  pkcs11::importCertificate(session, cert.certificateDer, label, id, cert.subjectDer, cert.issuerDer, cert.serialDer);
}

// The identity file's fields as the beid module exposes them: CKO_DATA, label = field name,
// CKA_OBJECT_ID = "id" (the file group).
void writeIdentity(pkcs11::Session& session, const SpecimenPerson& p) {
  const std::vector<std::pair<std::string, std::string>> fields{
      {"card_number", p.cardNumber},
      {"chip_number", p.chipNumber},
      {"validity_begin_date", "01.01.2024"},
      {"validity_end_date", "01.01.2034"},
      {"issuing_municipality", p.placeOfBirth},
      {"national_number", p.ssin},
      {"surname", p.surname},
      {"firstnames", p.givenName},
      {"first_letter_of_third_given_name", ""},
      {"nationality", "Belg"},
      {"location_of_birth", p.placeOfBirth},
      {"date_of_birth", p.dateOfBirth},
      {"gender", p.gender},
  };
  for (const auto& [label, value] : fields) {
    pkcs11::createDataObject(session, label, bytesOf("id"), bytesOf(value), "Belgium eID");
  }
}

}  // namespace

std::string eidTokenLabel(const SpecimenPerson& person) { return person.fullName(); }
std::string ehealthTokenLabel(const SpecimenPerson& person) { return "eHealth " + person.fullName(); }
std::string authRow(const SpecimenPerson& person) { return person.handle + "-authentication"; }
std::string signRow(const SpecimenPerson& person) { return person.handle + "-signature"; }
std::string ehealthRow(const SpecimenPerson& person) { return person.handle + "-ehealth"; }

void createEidCard(const ModulePtr& module, Pki& pki, const SpecimenPerson& person) {
  auto session = freshToken(module, eidTokenLabel(person));
  pkcs11::KeyAttributes authKey{"Authentication", pkcs11::nativeUlongId(2)};
  pkcs11::KeyAttributes signKey{"Signature", pkcs11::nativeUlongId(3)};
  signKey.alwaysAuthenticate = true;  // the card asks the PIN before every non-repudiation signature

  CertificateSpec authSpec{authRow(person), "citizen-ca", eidSubject(person, "Authentication"),
                           CertificateProfile::EidAuthentication, KeyKind::Rsa2048, {}, 3650};
  CertificateSpec signSpec{signRow(person), "citizen-ca", eidSubject(person, "Signature"),
                           CertificateProfile::EidSignature, KeyKind::Rsa2048, {}, 3650};
  if (person.ecCard) {
    auto auth = pkcs11::generateEcKeyPair(session, pkcs11::p384Params(), authKey);
    auto sign = pkcs11::generateEcKeyPair(session, pkcs11::p384Params(), signKey);
    pki.issueForEcKey(authSpec, pkcs11::readEcPublicKey(session, auth.publicKey));
    pki.issueForEcKey(signSpec, pkcs11::readEcPublicKey(session, sign.publicKey));
  } else {
    // The PKI makes the RSA card's keys and the token imports them, so that they also exist as
    // files: the virtual BELPIC card (tests/card/) signs with the same keys as this token.
    pki.issue(authSpec);
    pki.issue(signSpec);
    pkcs11::importRsaKey(session, pki.rsaComponents(authRow(person)), authKey);
    pkcs11::importRsaKey(session, pki.rsaComponents(signRow(person)), signKey);
  }
  importIssued(session, pki.get(authRow(person)), "Authentication", pkcs11::nativeUlongId(2));
  importIssued(session, pki.get(signRow(person)), "Signature", pkcs11::nativeUlongId(3));
  importIssued(session, pki.get("citizen-ca"), "CA", pkcs11::nativeUlongId(4));
  importIssued(session, pki.get("belgium-root-ca"), "Root", pkcs11::nativeUlongId(6));
  writeIdentity(session, person);
  session.logout();
}

void createEHealthToken(const ModulePtr& module, Pki& pki, const SpecimenPerson& person) {
  const std::string ssinField = "SSIN=" + person.ssin;
  CertificateSpec spec{ehealthRow(person),
                       "ehealth-ca",
                       {{"C", "BE"},
                        {"O", "Federal Government"},
                        {"OU", "eHealth-platform Belgium"},
                        {"OU", person.profession},
                        {"OU", "NIHII-NUMBER=" + person.nihii},
                        {"OU", ssinField},
                        {"CN", ssinField}},
                       CertificateProfile::EHealth,
                       KeyKind::Rsa2048,
                       {},
                       3 * 365};
  const auto& issued = pki.issue(spec);
  auto session = freshToken(module, ehealthTokenLabel(person));
  const Bytes id = bytesOf("authentication");
  pkcs11::KeyAttributes key{"authentication", id};
  key.allowDecrypt = true;
  pkcs11::importRsaKey(session, pki.rsaComponents(ehealthRow(person)), key);
  importIssued(session, issued, "authentication", id);
  session.logout();
}

}  // namespace ehagent::sandbox
