#include "sandbox/hub_caller.hpp"

#include "core/base64.hpp"
#include "tokens/error.hpp"
#include "hubs/read.hpp"
#include "tokens/sts/profiles.hpp"
#include "tokens/sts/protocol.hpp"
#include "tokens/xml/wssecurity.hpp"
#include "tokens/xml/xmldsig.hpp"

namespace ehagent::sandbox {
namespace {

namespace read = hubs::read;
using tokens::Error;
using tokens::xml::Element;

constexpr std::string_view saml = tokens::xmldsig::kSaml1Ns;
constexpr std::string_view kSsinAttribute = "urn:be:fgov:person:ssin";

Element need(const std::optional<Element>& e, const char* what) {
  if (!e) throw Error("invalid_input", std::string("the request has no ") + what);
  return *e;
}

std::string_view trimmed(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
}

// Names are compared whole: many designators share a prefix ("...:person:ssin:ehealth:1.0:doctor:boolean").
template <typename Match>
std::string attributeValue(const Element& statement, Match matches) {
  for (const auto& a : statement.childrenNamed(saml, "Attribute")) {
    if (matches(a.attribute("AttributeName").value_or(""))) return read::text(a, "AttributeValue");
  }
  return {};
}

bool isNihiiAttribute(const std::string& name) {
  const tokens::StsProfile* owner = tokens::StsProfiles::builtin().ownerOf(name);
  return owner != nullptr && owner->nihii_attribute == name;
}

}  // namespace

VerifiedCall verifyHubCall(std::string_view envelope, const std::vector<certs::Certificate>& stsTrust) {
  // 1. The assertion: signed by a trusted STS, current, and naming the holder-of-key certificate.
  auto parsed = tokens::xml::Document::parse(envelope, {8 * 1024 * 1024, 128});
  const auto header = need(parsed.root().child(tokens::wss::kSoap11Ns, "Header"), "SOAP Header");
  const auto security = need(header.child(tokens::xmldsig::kWsseNs, "Security"), "wsse:Security");
  const auto assertions = security.childrenNamed(saml, "Assertion");
  if (assertions.size() != 1) throw Error("invalid_input", "wsse:Security must hold exactly one SAML assertion");
  const auto assertion = assertions.front();
  tokens::xmldsig::VerifyOptions stsCheck;
  stsCheck.trusted = stsTrust;
  tokens::xmldsig::verifyEnveloped(parsed, assertion, stsCheck);

  const auto conditions = need(assertion.child(saml, "Conditions"), "assertion Conditions");
  const auto now = std::chrono::system_clock::now();
  if (now < ehagent::parseDateTime(conditions.attribute("NotBefore").value_or("")) ||
      now >= ehagent::parseDateTime(conditions.attribute("NotOnOrAfter").value_or(""))) {
    throw Error("timestamp_expired", "the SAML assertion is not valid now");
  }
  const auto authn = need(assertion.child(saml, "AuthenticationStatement"), "AuthenticationStatement");
  const auto subject = need(authn.child(saml, "Subject"), "assertion Subject");
  const auto confirmation = need(subject.child(saml, "SubjectConfirmation"), "SubjectConfirmation");
  // Only holder-of-key ties the assertion to the key that signs the message; a bearer or
  // sender-vouches assertion would let whoever copied it act as its subject.
  const auto method = need(confirmation.child(saml, "ConfirmationMethod"), "ConfirmationMethod");
  if (trimmed(method.text()) != tokens::sts::kHolderOfKey)
    throw Error("invalid_input", "the assertion must confirm its subject by holder-of-key");
  const auto keyInfo = need(confirmation.child(tokens::xmldsig::kDsigNs, "KeyInfo"), "holder-of-key KeyInfo");
  const auto x509 = need(keyInfo.child(tokens::xmldsig::kDsigNs, "X509Data"), "holder-of-key X509Data");
  const auto holder = certs::Certificate::fromDer(ehagent::base64Decode(read::text(x509, "X509Certificate")));

  const auto statement = need(assertion.child(saml, "AttributeStatement"), "AttributeStatement");
  HubParty caller;
  caller.ssin = attributeValue(statement, [](const std::string& name) { return name == kSsinAttribute; });
  caller.nihii = attributeValue(statement, isNihiiAttribute);

  // 2. The message: signed over Body and Timestamp by the confirmed key, Timestamp current.
  tokens::wss::VerifyEnvelopeOptions messageCheck;
  messageCheck.signature.certificate = holder;
  messageCheck.limits = {8 * 1024 * 1024, 128};
  auto verified = tokens::wss::verifyEnvelope(envelope, messageCheck);
  const auto children = verified.body.children();
  if (children.size() != 1) throw Error("invalid_input", "soap:Body must hold exactly one request");
  const Element request = children.front();
  return VerifiedCall{std::move(verified.document), request, std::move(caller)};
}

}  // namespace ehagent::sandbox
