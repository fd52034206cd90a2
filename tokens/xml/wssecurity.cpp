#include "tokens/xml/wssecurity.hpp"

#include "core/base64.hpp"
#include "tokens/error.hpp"
#include "tokens/xml/internal.hpp"

namespace ehagent::tokens::wss {

std::string buildEnvelope(const EnvelopeOptions& options, Signer& signer) {
  if (options.saml_assertion && options.binary_security_token)
    throw Error("invalid_input", "an envelope carries either a SAML assertion or a BinarySecurityToken");
  if (options.ttl.count() <= 0) throw Error("invalid_input", "the Timestamp TTL must be positive");
  const std::string_view body = xml::withoutDeclaration(options.body_xml);
  // The body is checked inside the envelope's one parse (embeddedDocument below) rather than
  // parsed twice: on a 1 MiB Sumehr a parse and free of its tree is a sixth of the whole signing.
  const xml::ParseLimits body_limits;
  if (body.size() > body_limits.max_bytes)
    throw Error("invalid_input", "XML document larger than " + std::to_string(body_limits.max_bytes) + " bytes");

  std::optional<std::string> assertion_id;
  std::string_view assertion;
  if (options.saml_assertion) {
    assertion = xml::withoutDeclaration(*options.saml_assertion);
    const xml::Document parsed = xml::Document::parse(assertion);
    if (!parsed.root().is(xmldsig::kSaml1Ns, "Assertion")) throw Error("invalid_input", "not a SAML 1.1 Assertion");
    assertion_id = parsed.root().attribute("AssertionID");
    if (!assertion_id || assertion_id->empty()) throw Error("invalid_input", "the assertion has no AssertionID");
  }

  const Clock::time_point now = options.now.value_or(Clock::now());
  const std::string body_id = randomId("id");
  const std::string ts_id = randomId("TS");
  const std::string bst_id = randomId("X509");
  // The assertion goes in after signing, as bytes: a placeholder holds its place, named so that
  // it cannot occur in the body.
  const std::string slot = "<" + randomId("slot") + "/>";

  std::string text;
  text += "<soapenv:Envelope xmlns:soapenv=\"" + std::string(kSoap11Ns) + "\" xmlns:wsu=\"" + std::string(xml::kWsuNs) + "\">";
  text += "<soapenv:Header><wsse:Security xmlns:wsse=\"" + std::string(xmldsig::kWsseNs) + "\" soapenv:mustUnderstand=\"1\">";
  text += "<wsu:Timestamp wsu:Id=\"" + ts_id + "\"><wsu:Created>" + formatDateTime(now) + "</wsu:Created><wsu:Expires>" +
          formatDateTime(now + options.ttl) + "</wsu:Expires></wsu:Timestamp>";
  if (options.binary_security_token)
    text += "<wsse:BinarySecurityToken EncodingType=\"" + std::string(kBase64Binary) + "\" ValueType=\"" +
            std::string(xmldsig::kX509v3) + "\" wsu:Id=\"" + bst_id + "\">" + base64Encode(signer.certificate().der()) +
            "</wsse:BinarySecurityToken>";
  if (assertion_id) text += slot;
  text += "</wsse:Security></soapenv:Header><soapenv:Body wsu:Id=\"" + xml::escape(body_id) + "\">";
  text += body;
  text += "</soapenv:Body></soapenv:Envelope>";

  // Envelope and Body sit above the body's own levels.
  xml::Document doc = xml::Document::parse(text, {.max_bytes = text.size(), .max_depth = body_limits.max_depth + 2});
  // A body that closed soapenv:Body early (or opened another) shows as more than two children.
  const std::vector<xml::Element> parts = doc.root().children();
  if (parts.size() != 2 || !parts[1].is(kSoap11Ns, "Body"))
    throw Error("invalid_input", "the body is not one well-formed element");
  xml::embeddedDocument(parts[1], body_limits.max_depth);  // one well-formed, namespace-complete element
  const xml::Element security = *parts[0].child(xmldsig::kWsseNs, "Security");
  xmldsig::SignOptions sign;
  sign.reference_ids = {body_id, ts_id};
  sign.algorithm = options.algorithm;
  if (options.binary_security_token) {
    sign.reference_ids.push_back(bst_id);
    sign.key_info = xmldsig::KeyInfoBstReference{bst_id};
  } else if (assertion_id) {
    sign.key_info = xmldsig::KeyInfoSamlAssertion{*assertion_id};
  }
  const xml::Element signature = xmldsig::sign(doc, security, sign, signer);

  // The envelope goes out as the text that was parsed, with the Signature's own serialisation
  // put in at the end of the Security header (where sign() appended it), rather than as a
  // serialisation of the whole tree: that would be one more pass over the body. The two parse to
  // the same tree, which is what the digests are of. The Signature uses no prefix it does not
  // declare but wsse, which Security declares.
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out.reserve(out.size() + text.size() + 4096 + assertion.size());
  const std::size_t security_end = text.find("</wsse:Security>");
  out.append(text, 0, security_end);
  out += xml::serializeElement(signature);
  out.append(text, security_end, std::string::npos);
  if (assertion_id) {
    const auto at = out.find(slot);
    if (at == std::string::npos) throw Error("invalid_input", "lost the assertion placeholder");
    out.replace(at, slot.size(), assertion);
  }
  return out;
}

}  // namespace ehagent::tokens::wss
