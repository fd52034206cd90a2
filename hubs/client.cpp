#include "hubs/client.hpp"

#include "certs/certificate.hpp"
#include "tokens/sign/crypto.hpp"
#include "tokens/error.hpp"
#include "hubs/answers.hpp"
#include "tokens/xml/wssecurity.hpp"
#include "tokens/xml/document.hpp"

namespace ehagent::hubs {

SignedHubRequest signHubRequest(Operation op, const std::string& bodyXml, const std::string& samlAssertion,
                                tokens::Signer& holderOfKey,
                                std::optional<std::chrono::system_clock::time_point> now) {
  tokens::wss::EnvelopeOptions options;
  options.body_xml = bodyXml;
  options.saml_assertion = samlAssertion;
  options.now = now;
  SignedHubRequest out;
  out.operation = op;
  out.soapAction = soapAction(op);
  out.envelope = tokens::wss::buildEnvelope(options, holderOfKey);
  // The audit records the digest of the Body as signed: its canonical form, not our own string.
  const auto doc = tokens::xml::Document::parse(out.envelope, {64 * 1024 * 1024, 128});
  const auto body = doc.root().child(tokens::wss::kSoap11Ns, "Body");
  if (!body) throw tokens::Error("invalid_input", "the signed envelope has no soap:Body");
  out.bodySha256Hex = certs::toHex(ehagent::sha256(ehagent::asBytes(tokens::xml::excC14n(*body))));
  return out;
}

nlohmann::json submitHubRequest(const HubEndpoint& hub, const SignedHubRequest& request) {
  tokens::HttpClientOptions http = hub.http;
  http.service = "hub";
  const tokens::HttpClient client(http);
  const auto answer = client.post(hub.url, request.envelope,
                                  {{"Content-Type", "text/xml; charset=utf-8"},
                                   {"SOAPAction", "\"" + request.soapAction + "\""}});
  // A SOAP 1.1 fault comes with HTTP 500; parseHubResponse turns it into hub_fault.
  if (answer.status != 200 && answer.status != 500) {
    throw tokens::Error("hub_bad_response", "the hub " + hub.name + " answered HTTP " + std::to_string(answer.status));
  }
  return parseHubResponse(answer.body, request.operation);
}

}  // namespace ehagent::hubs
