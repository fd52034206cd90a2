#include "tokens/hub_client.hpp"

#include "certs/certificate.hpp"
#include "tokens/crypto.hpp"
#include "tokens/error.hpp"
#include "tokens/hub_responses.hpp"
#include "tokens/wssecurity.hpp"
#include "tokens/xml.hpp"

namespace ehagent::tokens::hub {

SignedHubRequest signHubRequest(Operation op, const std::string& bodyXml, const std::string& samlAssertion,
                                Signer& holderOfKey,
                                std::optional<std::chrono::system_clock::time_point> now) {
  wss::EnvelopeOptions options;
  options.body_xml = bodyXml;
  options.saml_assertion = samlAssertion;
  options.now = now;
  SignedHubRequest out;
  out.operation = op;
  out.soapAction = soapAction(op);
  out.envelope = wss::buildEnvelope(options, holderOfKey);
  // The audit records the digest of the Body as signed: its canonical form, not our own string.
  const auto doc = xml::Document::parse(out.envelope, {64 * 1024 * 1024, 128});
  const auto body = doc.root().child(wss::kSoap11Ns, "Body");
  if (!body) throw Error("invalid_input", "the signed envelope has no soap:Body");
  out.bodySha256Hex = certs::toHex(sha256(asBytes(xml::excC14n(*body))));
  return out;
}

nlohmann::json submitHubRequest(const HubEndpoint& hub, const SignedHubRequest& request) {
  HttpClientOptions http = hub.http;
  http.service = "hub";
  const HttpClient client(http);
  const auto answer = client.post(hub.url, request.envelope,
                                  {{"Content-Type", "text/xml; charset=utf-8"},
                                   {"SOAPAction", "\"" + request.soapAction + "\""}});
  // A SOAP 1.1 fault comes with HTTP 500; parseHubResponse turns it into hub_fault.
  if (answer.status != 200 && answer.status != 500) {
    throw Error("hub_bad_response", "the hub " + hub.name + " answered HTTP " + std::to_string(answer.status));
  }
  return parseHubResponse(answer.body, request.operation);
}

}  // namespace ehagent::tokens::hub
