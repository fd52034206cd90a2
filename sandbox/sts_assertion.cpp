#include "sandbox/sts_assertion.hpp"

#include "core/base64.hpp"
#include "tokens/sts/messages.hpp"
#include "tokens/sts/protocol.hpp"
#include "tokens/xml/wssecurity.hpp"
#include "tokens/xml/document.hpp"
#include "tokens/xml/xmldsig.hpp"

namespace ehagent::sandbox {
namespace {

namespace sts = tokens::sts;

std::string subjectXml(const certs::Certificate& holder) {
  return "<saml:Subject><saml:NameIdentifier Format=\"" + std::string(sts::kNameIdX509) + "\" NameQualifier=\"" +
         tokens::xml::escape(holder.issuer()) + "\">" + tokens::xml::escape(holder.subject()) +
         "</saml:NameIdentifier><saml:SubjectConfirmation><saml:ConfirmationMethod>" + std::string(sts::kHolderOfKey) +
         "</saml:ConfirmationMethod><ds:KeyInfo><ds:X509Data><ds:X509Certificate>" +
         ehagent::base64Encode(holder.der()) +
         "</ds:X509Certificate></ds:X509Data></ds:KeyInfo></saml:SubjectConfirmation></saml:Subject>";
}

}  // namespace

std::string buildSignedAssertion(const AssertionContent& content, tokens::Signer& sts_signer) {
  const std::string id = "_" + ehagent::randomId("sts").substr(4);
  const std::string now = ehagent::formatDateTime(content.not_before);
  std::string text = "<saml:Assertion xmlns:saml=\"" + std::string(sts::kSaml1Ns) + "\" xmlns:ds=\"" +
                     std::string(tokens::xmldsig::kDsigNs) + "\" MajorVersion=\"1\" MinorVersion=\"1\" AssertionID=\"" +
                     id + "\" Issuer=\"" + std::string(sts::kStsIssuer) + "\" IssueInstant=\"" + now + "\">";
  text += "<saml:Conditions NotBefore=\"" + now + "\" NotOnOrAfter=\"" +
          ehagent::formatDateTime(content.not_on_or_after) + "\"/>";
  text += "<saml:AuthenticationStatement AuthenticationInstant=\"" + now + "\" AuthenticationMethod=\"" +
          std::string(sts::kAuthMethodX509) + "\">" + subjectXml(content.holder) + "</saml:AuthenticationStatement>";
  text += "<saml:AttributeStatement>" + subjectXml(content.holder);
  for (const auto& a : content.attributes) {
    text += "<saml:Attribute AttributeName=\"" + tokens::xml::escape(a.name) + "\" AttributeNamespace=\"" +
            tokens::xml::escape(a.attribute_namespace) + "\"><saml:AttributeValue>" + tokens::xml::escape(a.value) +
            "</saml:AttributeValue></saml:Attribute>";
  }
  text += "</saml:AttributeStatement></saml:Assertion>";

  auto doc = tokens::xml::Document::parse(text);
  tokens::xmldsig::SignOptions options;
  options.reference_ids = {id};
  options.key_info = tokens::xmldsig::KeyInfoX509{};
  tokens::xmldsig::sign(doc, doc.root(), options, sts_signer);
  return doc.serialize(false);
}

}  // namespace ehagent::sandbox
