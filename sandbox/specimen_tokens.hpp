#pragma once
// Internal to the specimen: fills SoftHSM2 tokens like an eID card and an eHealth keystore.
#include <memory>

#include "pkcs11/module.hpp"
#include "sandbox/specimen_people.hpp"
#include "sandbox/specimen_pki.hpp"

namespace ehagent::sandbox {

// Token label of the person's eID and of their eHealth token.
std::string eidTokenLabel(const SpecimenPerson& person);
std::string ehealthTokenLabel(const SpecimenPerson& person);
// PKI row names.
std::string authRow(const SpecimenPerson& person);
std::string signRow(const SpecimenPerson& person);
std::string ehealthRow(const SpecimenPerson& person);

// Initialises a fresh token as the person's eID: keys generated on the token, certificates issued
// by the Citizen CA for them, and the identity data objects.
void createEidCard(const std::shared_ptr<pkcs11::Module>& module, Pki& pki, const SpecimenPerson& person);
// Issues the person's eHealth certificate and imports key and certificate as "authentication".
void createEHealthToken(const std::shared_ptr<pkcs11::Module>& module, Pki& pki, const SpecimenPerson& person);

}  // namespace ehagent::sandbox
