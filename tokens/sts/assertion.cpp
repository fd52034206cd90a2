#include "tokens/sts/assertion.hpp"

#include <algorithm>

#include "core/base64.hpp"
#include "tokens/error.hpp"
#include "tokens/sts/protocol.hpp"
#include "tokens/xml/wssecurity.hpp"
#include "tokens/xml/document.hpp"
#include "tokens/xml/xmldsig.hpp"

namespace ehagent::tokens {
namespace {

using sts::kSaml1Ns;

std::string trimmed(std::string text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n");
  return text.substr(first, last - first + 1);
}

xml::Element requireChild(xml::Element parent, std::string_view local) {
  const auto found = parent.childrenNamed(kSaml1Ns, local);
  if (found.size() != 1) {
    throw Error("sts_bad_response", "the assertion must hold exactly one saml:" + std::string(local));
  }
  return found.front();
}

std::chrono::system_clock::time_point timeAttribute(xml::Element e, const char* name) {
  const auto value = e.attribute(name);
  if (!value) throw Error("sts_bad_response", std::string("saml:Conditions has no ") + name);
  try {
    return ehagent::parseDateTime(*value);
  } catch (const Error&) {
    throw Error("sts_bad_response", std::string("saml:Conditions ") + name + " is not a dateTime");
  }
}

std::string holderCertificate(xml::Element statement) {
  const auto subject = statement.child(kSaml1Ns, "Subject");
  if (!subject) return {};
  const auto confirmation = subject->child(kSaml1Ns, "SubjectConfirmation");
  if (!confirmation) return {};
  const auto method = confirmation->child(kSaml1Ns, "ConfirmationMethod");
  if (!method || trimmed(method->text()) != sts::kHolderOfKey) return {};
  const auto key_info = confirmation->child(xmldsig::kDsigNs, "KeyInfo");
  if (!key_info) return {};
  const auto data = key_info->child(xmldsig::kDsigNs, "X509Data");
  if (!data) return {};
  const auto cert = data->child(xmldsig::kDsigNs, "X509Certificate");
  if (!cert) return {};
  std::string text = cert->text();
  std::erase_if(text, [](char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; });
  return text;
}

}  // namespace

std::string SamlToken::first(const std::string& attribute) const {
  const auto it = attributes.find(attribute);
  return it == attributes.end() || it->second.empty() ? std::string() : it->second.front();
}

bool SamlToken::isTrue(const std::string& attribute) const { return first(attribute) == "true"; }

SamlToken verifySamlAssertion(const std::string& assertion_xml, const SamlCheck& check) {
  xml::Document doc = [&] {
    try {
      return xml::Document::parse(assertion_xml);
    } catch (const Error& e) {
      throw Error("sts_bad_response", std::string("the assertion does not parse: ") + e.what());
    }
  }();
  const xml::Element root = doc.root();
  if (!root.is(kSaml1Ns, "Assertion")) throw Error("sts_bad_response", "the token is not a SAML 1.1 Assertion");

  // Nothing is read before the signature holds.
  if (check.sts_trust.empty()) throw Error("sts_bad_signature", "no STS trust is configured");
  certs::Certificate signer = [&] {
    try {
      return xmldsig::verifyEnveloped(doc, root, {}).certificate;
    } catch (const Error& e) {
      throw Error("sts_bad_signature", std::string("the STS signature on the assertion does not hold: ") + e.what());
    }
  }();
  // The STS is pinned: a CA would make every certificate it issues (TLS servers, other services)
  // able to mint assertions.
  if (std::find(check.sts_trust.begin(), check.sts_trust.end(), signer) == check.sts_trust.end()) {
    throw Error("sts_bad_signature", "the assertion is signed by " + signer.subject() +
                                         ", which is not a configured STS signing certificate");
  }

  SamlToken token;
  token.xml = assertion_xml;
  token.assertion_id = root.attribute("AssertionID").value_or("");
  token.issuer = root.attribute("Issuer").value_or("");
  if (token.assertion_id.empty()) throw Error("sts_bad_response", "the assertion has no AssertionID");
  const auto conditions = requireChild(root, "Conditions");
  token.not_before = timeAttribute(conditions, "NotBefore");
  token.not_on_or_after = timeAttribute(conditions, "NotOnOrAfter");
  if (check.now + check.clock_skew < token.not_before || check.now >= token.not_on_or_after) {
    throw Error("sts_expired", "the assertion is valid from " + ehagent::formatDateTime(token.not_before) + " to " +
                                   ehagent::formatDateTime(token.not_on_or_after) + ", not now");
  }

  for (const auto& statement : root.childrenNamed(kSaml1Ns, "AttributeStatement")) {
    if (token.holder_certificate_b64.empty()) token.holder_certificate_b64 = holderCertificate(statement);
    for (const auto& attribute : statement.childrenNamed(kSaml1Ns, "Attribute")) {
      const auto name = attribute.attribute("AttributeName");
      if (!name) continue;
      auto& values = token.attributes[*name];
      for (const auto& value : attribute.childrenNamed(kSaml1Ns, "AttributeValue")) values.push_back(trimmed(value.text()));
    }
  }
  for (const auto& statement : root.childrenNamed(kSaml1Ns, "AuthenticationStatement")) {
    if (token.holder_certificate_b64.empty()) token.holder_certificate_b64 = holderCertificate(statement);
  }

  const std::string ssin = token.first(std::string(sts::kHolderSsinAttribute));
  if (!check.expected_ssin.empty() && ssin != check.expected_ssin) {
    throw Error("sts_wrong_subject", "the assertion is about SSIN '" + ssin + "', not the logged-in practitioner");
  }
  if (check.holder != nullptr) {
    const auto expected = base64Encode(check.holder->der());
    if (token.holder_certificate_b64 != expected) {
      throw Error("sts_wrong_subject", "the assertion is not bound to the practitioner's eHealth certificate");
    }
  }
  return token;
}

}  // namespace ehagent::tokens
