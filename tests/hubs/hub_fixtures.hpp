#pragma once
// The specimen practitioner and patients of the project brief, as request inputs.
#include "tokens/hub_types.hpp"

namespace ehagent::testing {

inline tokens::hub::RequestHeader aliceHeader() {
  tokens::hub::RequestHeader h;
  h.author.practitioner = {"10012378004", "78031215280", "persphysician", "Alice", "SPECIMEN"};
  h.author.software = {"TestEMR", "2.1"};
  return h;
}

inline tokens::hub::PatientRef childPatient() { return {"15062034820", tokens::hub::CardKind::None, ""}; }

inline tokens::hub::PatientRef bobWithCard() {
  return {"82110523358", tokens::hub::CardKind::Eid, "592123456789"};
}

}  // namespace ehagent::testing
