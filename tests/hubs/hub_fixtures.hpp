#pragma once
// The specimen practitioner and patients of the project brief, as request inputs.
#include "hubs/types.hpp"

namespace ehagent::testing {

inline hubs::RequestHeader aliceHeader() {
  hubs::RequestHeader h;
  h.author.practitioner = {"10012378004", "78031215280", "persphysician", "Alice", "SPECIMEN"};
  h.author.software = {"TestEMR", "2.1"};
  return h;
}

inline hubs::PatientRef childPatient() { return {"15062034820", hubs::CardKind::None, ""}; }

inline hubs::PatientRef bobWithCard() {
  return {"82110523358", hubs::CardKind::Eid, "592123456789"};
}

}  // namespace ehagent::testing
