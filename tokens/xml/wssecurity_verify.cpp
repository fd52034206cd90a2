#include <string>

#include "tokens/error.hpp"
#include "tokens/xml/wssecurity.hpp"

namespace ehagent::tokens::wss {

namespace {
xml::Element exactlyOne(xml::Element parent, std::string_view ns, std::string_view name) {
  const auto found = parent.childrenNamed(ns, name);
  if (found.size() != 1)
    throw Error("invalid_input", "expected exactly one " + std::string(name) + " in " + std::string(parent.localName()));
  return found.front();
}
}  // namespace

VerifiedEnvelope verifyEnvelope(std::string_view envelope, const VerifyEnvelopeOptions& options) {
  xml::Document doc = xml::Document::parse(envelope, options.limits);
  const xml::Element root = doc.root();
  if (!root.is(kSoap11Ns, "Envelope")) throw Error("invalid_input", "not a SOAP 1.1 Envelope");
  const xml::Element header = exactlyOne(root, kSoap11Ns, "Header");
  const xml::Element body = exactlyOne(root, kSoap11Ns, "Body");
  const xml::Element security = exactlyOne(header, xmldsig::kWsseNs, "Security");
  const xml::Element timestamp = exactlyOne(security, xml::kWsuNs, "Timestamp");
  const xml::Element signature = exactlyOne(security, xmldsig::kDsigNs, "Signature");

  xmldsig::Verified verified = xmldsig::verify(doc, signature, options.signature);
  // The covered elements must be these very elements: a signed Body moved elsewhere and replaced
  // by an unsigned one is the classic wrapping attack.
  if (!verified.covers(body)) throw Error("signature_invalid", "the signature does not cover the SOAP Body");
  if (!verified.covers(timestamp)) throw Error("signature_invalid", "the signature does not cover the Timestamp");

  std::optional<xml::Element> bst;
  const auto bsts = security.childrenNamed(xmldsig::kWsseNs, "BinarySecurityToken");
  if (bsts.size() > 1) throw Error("invalid_input", "more than one BinarySecurityToken");
  if (!bsts.empty()) {
    bst = bsts.front();
    if (options.require_bst_signed && !verified.covers(*bst))
      throw Error("signature_invalid", "the BinarySecurityToken is not signed");
  }

  const Clock::time_point now = options.now.value_or(Clock::now());
  const auto created = parseDateTime(exactlyOne(timestamp, xml::kWsuNs, "Created").text());
  const auto expires = parseDateTime(exactlyOne(timestamp, xml::kWsuNs, "Expires").text());
  if (created > now + options.clock_skew) throw Error("timestamp_expired", "the Timestamp is in the future");
  if (expires + options.clock_skew <= now) throw Error("timestamp_expired", "the Timestamp has expired");
  if (expires - created > options.max_age)
    throw Error("timestamp_expired", "the Timestamp claims a life longer than " + std::to_string(options.max_age.count()) + " s");
  if (created + options.max_age + options.clock_skew < now)
    throw Error("timestamp_expired", "the Timestamp was created more than " + std::to_string(options.max_age.count()) + " s ago");

  return VerifiedEnvelope{std::move(doc), body, timestamp, bst, std::move(verified)};
}

}  // namespace ehagent::tokens::wss
