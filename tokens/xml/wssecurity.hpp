#pragma once
// SOAP 1.1 envelopes with a WS-Security header, in the two shapes eHealth uses (PROTOCOLS.md):
//  - STS request: Timestamp, BinarySecurityToken (the signer's certificate), and a ds:Signature
//    over Body, Timestamp and BST whose KeyInfo references the BST;
//  - hub call: Timestamp, the SAML assertion copied byte for byte, and a ds:Signature over Body
//    and Timestamp whose KeyInfo names the AssertionID (holder-of-key).
// And the matching verifier, which hands back only signed content.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "tokens/sign/signer.hpp"
#include "tokens/xml/document.hpp"
#include "core/random.hpp"
#include "core/time.hpp"
#include "tokens/xml/xmldsig.hpp"

namespace ehagent::tokens::wss {

inline constexpr std::string_view kSoap11Ns = "http://schemas.xmlsoap.org/soap/envelope/";
inline constexpr std::string_view kBase64Binary =
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary";

struct EnvelopeOptions {
  // The one element that goes inside soap:Body, namespace-complete (it must parse on its own).
  std::string body_xml;
  std::chrono::seconds ttl{60};           // Timestamp Expires - Created
  std::optional<ehagent::Clock::time_point> now;   // default: the system clock
  // Put the signer's certificate in a BinarySecurityToken, sign it too, and point KeyInfo at it.
  bool binary_security_token = false;
  // A SAML 1.1 assertion (standalone XML, as received): inserted unchanged after the Timestamp,
  // and KeyInfo names its AssertionID. Excludes binary_security_token.
  std::optional<std::string> saml_assertion;
  std::optional<SignatureAlgorithm> algorithm;  // default: the Signer's
};

// The envelope as UTF-8 bytes. Throws Error("invalid_input") for a body or assertion that does not
// parse, and whatever the Signer throws.
std::string buildEnvelope(const EnvelopeOptions& options, Signer& signer);

struct VerifyEnvelopeOptions {
  xmldsig::VerifyOptions signature;  // key and trust, as for xmldsig::verify
  xml::ParseLimits limits;
  std::optional<ehagent::Clock::time_point> now;  // default: the system clock
  std::chrono::seconds clock_skew{300};
  // The longest life a Timestamp may claim, and its oldest Created: the signer chooses Expires,
  // so without a bound a captured message would replay for as long as it said.
  std::chrono::seconds max_age{300};
  bool require_bst_signed = true;  // when a BST is present, the signature must cover it
};

struct VerifiedEnvelope {
  xml::Document document;
  xml::Element body;                    // soap:Body, covered by the signature
  xml::Element timestamp;               // wsu:Timestamp, covered by the signature
  std::optional<xml::Element> bst;      // the BinarySecurityToken KeyInfo pointed to, if any
  xmldsig::Verified signature;
};

// Parses and verifies an envelope: one Header with one wsse:Security, whose direct-child
// ds:Signature must cover the envelope's own Body and the Security header's own Timestamp (not
// copies elsewhere), and the Timestamp must be current. Error codes as xmldsig::verify, plus
// "invalid_input" for a wrong shape and "timestamp_expired" for a stale or future Timestamp.
// A SAML assertion in the header is NOT verified here: verify it with xmldsig::verifyEnveloped.
VerifiedEnvelope verifyEnvelope(std::string_view envelope, const VerifyEnvelopeOptions& options = {});

}  // namespace ehagent::tokens::wss
