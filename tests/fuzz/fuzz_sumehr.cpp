// The XML parser with the Sumehr validator: client-supplied bytes are parsed (no DTD, limits),
// checked as a Sumehr sent by Alice SPECIMEN, and, when accepted, canonicalised and wrapped in
// PutTransaction as the hub route does.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "tokens/error.hpp"
#include "hubs/types.hpp"
#include "hubs/sumehr.hpp"
#include "tokens/xml/document.hpp"

namespace hub = ehagent::hubs;
namespace xml = ehagent::tokens::xml;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  static const hub::Practitioner alice{"10012378004", "78031215280", "persphysician", "Alice", "SPECIMEN"};

  try {
    const hub::ValidatedSumehr sumehr = hub::validateSumehr(input, alice);
    (void)xml::excC14n(sumehr.document.root());
    hub::RequestHeader header{{alice, {"FuzzEMR", "1.0"}},
                              std::chrono::system_clock::time_point(std::chrono::seconds(1790000000))};
    (void)hub::buildPutTransaction(header, sumehr);
  } catch (const ehagent::tokens::Error&) {
    // invalid_input (with InvalidField's pointer) and duplicate_id: the refusals a client sees.
  }

  // The bare parser as the STS and hub answer readers use it, with the ID walk that guards
  // against signature wrapping.
  try {
    const xml::Document doc = xml::Document::parse(input);
    (void)xml::findById(doc, "id-1");
    xml::requireUniqueIds(doc);
    (void)doc.serialize(false);
  } catch (const ehagent::tokens::Error&) {
  }
  return 0;
}
