#pragma once
// The names the eHealth STS speaks (PROTOCOLS.md, "STS"), shared by the client and the sandbox.
#include <string_view>

namespace ehagent::tokens::sts {

inline constexpr std::string_view kWstNs = "http://docs.oasis-open.org/ws-sx/ws-trust/200512";
inline constexpr std::string_view kAuthNs = "http://docs.oasis-open.org/wsfed/authorization/200706";
inline constexpr std::string_view kClaimsDialect = "http://docs.oasis-open.org/wsfed/authorization/200706/authclaims";
inline constexpr std::string_view kTokenTypeSaml11 =
    "http://docs.oasis-open.org/wss/oasis-wss-saml-token-profile-1.1#SAMLV1.1";
inline constexpr std::string_view kRequestIssue = "http://docs.oasis-open.org/ws-sx/ws-trust/200512/Issue";
inline constexpr std::string_view kRequestRenew = "http://docs.oasis-open.org/ws-sx/ws-trust/200512/Renew";
inline constexpr std::string_view kKeyTypePublicKey = "http://docs.oasis-open.org/ws-sx/wstrust/200512/PublicKey";

inline constexpr std::string_view kActionIssue = "urn:be:fgov:ehealth:sts:protocol:v1:RequestSecurityToken";
inline constexpr std::string_view kActionChallenge = "urn:be:fgov:ehealth:sts:protocol:v1:Challenge";

inline constexpr std::string_view kSaml1Ns = "urn:oasis:names:tc:SAML:1.0:assertion";
inline constexpr std::string_view kStsIssuer = "urn:be:fgov:ehealth:sts:1_0";
inline constexpr std::string_view kAuthMethodX509 = "urn:oasis:names:tc:SAML:1.0:am:X509-PKI";
inline constexpr std::string_view kHolderOfKey = "urn:oasis:names:tc:SAML:1.0:cm:holder-of-key";
inline constexpr std::string_view kNameIdX509 = "urn:oasis:names:tc:SAML:1.1:nameid-format:X509SubjectName";
inline constexpr std::string_view kIdentificationNamespace = "urn:be:fgov:identification-namespace";
inline constexpr std::string_view kCertifiedNamespace = "urn:be:fgov:certified-namespace:ehealth";

// The certificate-holder SSIN: the attribute that names whom an assertion is about.
inline constexpr std::string_view kHolderSsinAttribute = "urn:be:fgov:ehealth:1.0:certificateholder:person:ssin";

}  // namespace ehagent::tokens::sts
