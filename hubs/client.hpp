#pragma once
// Wraps a built hub request body in the holder-of-key SOAP envelope (Timestamp, the STS assertion
// byte for byte, a signature over Body and Timestamp with the eHealth key), and sends it to a hub.
#include <chrono>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "tokens/net/https_client.hpp"
#include "hubs/types.hpp"
#include "tokens/sign/signer.hpp"

namespace ehagent::hubs {

struct SignedHubRequest {
  Operation operation{};
  std::string soapAction;
  std::string envelope;       // UTF-8 bytes, as signed
  std::string bodySha256Hex;  // over the exclusive c14n of soap:Body: what the signature covers
};

// `holderOfKey` must be the eHealth key the assertion confirms. Throws tokens::Error("invalid_input") for a
// body or assertion that does not parse, and whatever the tokens::Signer throws.
SignedHubRequest signHubRequest(Operation op, const std::string& bodyXml, const std::string& samlAssertion,
                                tokens::Signer& holderOfKey,
                                std::optional<std::chrono::system_clock::time_point> now = std::nullopt);

struct HubEndpoint {
  std::string name;   // the [hubs.<name>] key
  std::string url;    // https://...
  std::string hubId;  // e.g. 1990000035 (RSW)
  tokens::HttpClientOptions http;  // trust, timeouts; service is forced to "hub"
};

// Posts the envelope with its SOAPAction and returns parseHubResponse()'s JSON. Errors:
// hub_unreachable (down, slow past the read timeout), hub_fault (a SOAP fault, HTTP 500 or not),
// hub_bad_response (anything else that is not the expected answer).
nlohmann::json submitHubRequest(const HubEndpoint& hub, const SignedHubRequest& request);

}  // namespace ehagent::hubs
