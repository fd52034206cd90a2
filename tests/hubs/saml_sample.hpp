#pragma once
// Test helper: a SAML 1.1 holder-of-key assertion in the STS's shape, confirming an eHealth
// certificate and signed (enveloped) by an STS key, for envelopes and the sandbox hub.
#include <string>

#include "certs/certificate.hpp"
#include "core/base64.hpp"
#include "tokens/sign/signer.hpp"
#include "tokens/xml/wssecurity.hpp"
#include "tokens/xml/xmldsig.hpp"

namespace ehagent::testing {

inline std::string samlAssertion(const certs::Certificate& holder, tokens::Signer& sts,
                                 const std::string& ssin = "78031215280",
                                 const std::string& nihii = "10012378004") {
  using namespace std::chrono;
  const auto now = system_clock::now();
  const std::string id = ehagent::randomId("_assertion");
  const std::string nb = ehagent::formatDateTime(now - minutes(5));
  const std::string na = ehagent::formatDateTime(now + hours(1));
  const std::string xml =
      R"(<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:1.0:assertion" AssertionID=")" + id +
      R"(" IssueInstant=")" + ehagent::formatDateTime(now) +
      R"(" Issuer="urn:be:fgov:ehealth:sts:1_0" MajorVersion="1" MinorVersion="1"><saml:Conditions NotBefore=")" +
      nb + R"(" NotOnOrAfter=")" + na +
      R"("/><saml:AuthenticationStatement AuthenticationInstant=")" + nb +
      R"(" AuthenticationMethod="urn:oasis:names:tc:SAML:1.0:am:X509-PKI"><saml:Subject><saml:NameIdentifier>SSIN=)" +
      ssin +
      R"(</saml:NameIdentifier><saml:SubjectConfirmation><saml:ConfirmationMethod>urn:oasis:names:tc:SAML:1.0:cm:holder-of-key</saml:ConfirmationMethod><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data><ds:X509Certificate>)" +
      ehagent::base64Encode(holder.der()) +
      R"(</ds:X509Certificate></ds:X509Data></ds:KeyInfo></saml:SubjectConfirmation></saml:Subject></saml:AuthenticationStatement><saml:AttributeStatement><saml:Subject><saml:NameIdentifier>SSIN=)" +
      ssin +
      R"(</saml:NameIdentifier></saml:Subject><saml:Attribute AttributeName="urn:be:fgov:person:ssin" AttributeNamespace="urn:be:fgov:identification-namespace"><saml:AttributeValue>)" +
      ssin +
      R"(</saml:AttributeValue></saml:Attribute><saml:Attribute AttributeName="urn:be:fgov:person:ssin:ehealth:1.0:doctor:nihii11" AttributeNamespace="urn:be:fgov:certified-namespace:ehealth"><saml:AttributeValue>)" +
      nihii + R"(</saml:AttributeValue></saml:Attribute></saml:AttributeStatement></saml:Assertion>)";
  auto doc = tokens::xml::Document::parse(xml);
  tokens::xmldsig::SignOptions options;
  options.reference_ids = {id};
  tokens::xmldsig::sign(doc, doc.root(), options, sts);
  return doc.serialize(false);
}

}  // namespace ehagent::testing
