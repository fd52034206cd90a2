#pragma once
// Who calls the sandbox hub, as proven by the request: the STS assertion (signature trusted,
// conditions current) and a WS-Security signature by the key it confirms.
#include <string_view>
#include <vector>

#include "certs/certificate.hpp"
#include "sandbox/hub_store.hpp"
#include "tokens/xml/document.hpp"

namespace ehagent::sandbox {

struct VerifiedCall {
  tokens::xml::Document document;  // the verifier's parse; `request` points into it
  tokens::xml::Element request;    // the one element of soap:Body, covered by the signature
  HubParty caller;                 // NIHII and SSIN from the assertion
};

// Throws tokens::Error (signature_invalid, signature_untrusted, timestamp_expired, invalid_input,
// ...) when anything does not hold.
VerifiedCall verifyHubCall(std::string_view envelope, const std::vector<certs::Certificate>& stsTrust);

}  // namespace ehagent::sandbox
