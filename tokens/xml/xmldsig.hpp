#pragma once
// XMLDSig over the XML layer: building enveloped or detached signatures with any Signer, and a
// verifier that hands back only the elements its References actually cover.
//
// Both sides support one profile, the one eHealth uses: References by same-document ID
// (URI="#id"), transforms exclusive c14n (optionally with InclusiveNamespaces) preceded by
// enveloped-signature when the Signature sits inside the referenced element, digest SHA-256,
// SignedInfo canonicalized with exclusive c14n, and the algorithms of SignatureAlgorithm.
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "certs/certificate.hpp"
#include "tokens/sign/signer.hpp"
#include "tokens/xml/document.hpp"

namespace ehagent::tokens::xmldsig {

inline constexpr std::string_view kDsigNs = "http://www.w3.org/2000/09/xmldsig#";
inline constexpr std::string_view kExcC14n = "http://www.w3.org/2001/10/xml-exc-c14n#";
inline constexpr std::string_view kEnvelopedSignature = "http://www.w3.org/2000/09/xmldsig#enveloped-signature";
inline constexpr std::string_view kSha256 = "http://www.w3.org/2001/04/xmlenc#sha256";
inline constexpr std::string_view kWsseNs =
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd";
inline constexpr std::string_view kWsse11Ns = "http://docs.oasis-open.org/wss/oasis-wss-wssecurity-secext-1.1.xsd";
inline constexpr std::string_view kX509v3 =
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-x509-token-profile-1.0#X509v3";
inline constexpr std::string_view kSamlTokenType =
    "http://docs.oasis-open.org/wss/oasis-wss-saml-token-profile-1.1#SAMLV1.1";
inline constexpr std::string_view kSamlAssertionIdType =
    "http://docs.oasis-open.org/wss/oasis-wss-saml-token-profile-1.0#SAMLAssertionID";
inline constexpr std::string_view kSaml1Ns = "urn:oasis:names:tc:SAML:1.0:assertion";

// What ds:KeyInfo holds.
struct KeyInfoX509 {};  // ds:X509Data/ds:X509Certificate: the signer's certificate
struct KeyInfoBstReference {  // wsse:SecurityTokenReference/wsse:Reference URI="#bst_id"
  std::string bst_id;
};
struct KeyInfoSamlAssertion {  // wsse:SecurityTokenReference/wsse:KeyIdentifier (SAMLAssertionID)
  std::string assertion_id;
};
using KeyInfo = std::variant<KeyInfoX509, KeyInfoBstReference, KeyInfoSamlAssertion>;

struct SignOptions {
  std::vector<std::string> reference_ids;  // IDs (without '#') of the elements to sign, in order
  KeyInfo key_info = KeyInfoX509{};
  std::optional<SignatureAlgorithm> algorithm;  // default: the Signer's defaultAlgorithm()
  std::vector<std::string> inclusive_prefixes;  // InclusiveNamespaces PrefixList of each Reference
  std::optional<std::string> signature_id;      // Id attribute of ds:Signature
};

// Builds a ds:Signature as the last child of `parent` (or just before `before`, a child of
// `parent`), signs it through `signer` and returns it. A Reference whose element contains the
// Signature gets the enveloped-signature transform. Throws Error("invalid_input") when an ID is
// missing, "duplicate_id" when it is not unique, and whatever the Signer throws.
xml::Element sign(xml::Document& doc, xml::Element parent, const SignOptions& options, Signer& signer,
                  std::optional<xml::Element> before = std::nullopt);

struct VerifyOptions {
  // Check with this certificate's key, ignoring KeyInfo (for a holder-of-key or a known peer).
  std::optional<certs::Certificate> certificate;
  // When not empty, the signing certificate must be one of these or chain to one of them.
  std::vector<certs::Certificate> trusted;
};

struct Verified {
  certs::Certificate certificate;  // the certificate whose key made the signature
  SignatureAlgorithm algorithm;
  std::vector<xml::Element> references;  // the verified elements, in Reference order

  [[nodiscard]] bool covers(xml::Element element) const;
};

// Verifies one ds:Signature. Throws Error("signature_invalid") for a bad structure, transform,
// digest or value, "duplicate_id" when any ID occurs twice in the document, "unsupported_algorithm"
// for other algorithms, and "signature_untrusted" when the certificate fails `trusted`.
// Read only the elements in Verified::references, and check that they are where you expect them.
Verified verify(const xml::Document& doc, xml::Element signature, const VerifyOptions& options = {});

// For an enveloped signature (a SAML assertion, a signed document): `signed_element` must have
// exactly one ds:Signature child, whose only Reference covers `signed_element` itself.
Verified verifyEnveloped(const xml::Document& doc, xml::Element signed_element, const VerifyOptions& options = {});

}  // namespace ehagent::tokens::xmldsig
