#pragma once
// Wraps a built hub request body in the holder-of-key SOAP envelope (Timestamp, the STS assertion
// byte for byte, a signature over Body and Timestamp with the eHealth key), and sends it to a hub.
#include <chrono>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "tokens/http_client.hpp"
#include "tokens/hub_types.hpp"
#include "tokens/signer.hpp"

namespace ehagent::tokens::hub {

struct SignedHubRequest {
  Operation operation{};
  std::string soapAction;
  std::string envelope;       // UTF-8 bytes, as signed
  std::string bodySha256Hex;  // over the exclusive c14n of soap:Body: what the signature covers
};

// `holderOfKey` must be the eHealth key the assertion confirms. Throws Error("invalid_input") for a
// body or assertion that does not parse, and whatever the Signer throws.
SignedHubRequest signHubRequest(Operation op, const std::string& bodyXml, const std::string& samlAssertion,
                                Signer& holderOfKey,
                                std::optional<std::chrono::system_clock::time_point> now = std::nullopt);

struct HubEndpoint {
  std::string name;   // the [hubs.<name>] key
  std::string url;    // https://...
  std::string hubId;  // e.g. 1990000035 (RSW)
  HttpClientOptions http;  // trust, timeouts; service is forced to "hub"
};

// Posts the envelope with its SOAPAction and returns parseHubResponse()'s JSON. Errors:
// hub_unreachable (down, slow past the read timeout), hub_fault (a SOAP fault, HTTP 500 or not),
// hub_bad_response (anything else that is not the expected answer).
nlohmann::json submitHubRequest(const HubEndpoint& hub, const SignedHubRequest& request);

}  // namespace ehagent::tokens::hub
