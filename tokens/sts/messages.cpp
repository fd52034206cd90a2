#include "tokens/sts/messages.hpp"

#include <openssl/rand.h>

#include <cstdio>

#include "core/base64.hpp"
#include "tokens/error.hpp"
#include "tokens/sts/protocol.hpp"
#include "tokens/xml/wssecurity.hpp"
#include "tokens/xml/document.hpp"
#include "tokens/xml/xmldsig.hpp"

namespace ehagent::tokens::sts {
namespace {

std::string rstOpen(const std::string& context) {
  return "<wst:RequestSecurityToken xmlns:wst=\"" + std::string(kWstNs) + "\" xmlns:auth=\"" + std::string(kAuthNs) +
         "\" xmlns:wsu=\"" + std::string(xml::kWsuNs) + "\" xmlns:wsse=\"" + std::string(xmldsig::kWsseNs) +
         "\" xmlns:ds=\"" + std::string(xmldsig::kDsigNs) + "\" Context=\"" + xml::escape(context) + "\">";
}

std::string lifetime(std::chrono::system_clock::time_point created, std::chrono::system_clock::time_point expires) {
  return "<wst:Lifetime><wsu:Created>" + ehagent::formatDateTime(created) + "</wsu:Created><wsu:Expires>" +
         ehagent::formatDateTime(expires) + "</wsu:Expires></wst:Lifetime>";
}

}  // namespace

std::string newContextUuid() {
  unsigned char b[16];
  if (RAND_bytes(b, sizeof b) != 1) throw Error("crypto_error", "no random bytes for the STS Context");
  b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);  // version 4
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);  // RFC 4122 variant
  char text[37];
  std::snprintf(text, sizeof text, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
                b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
  return text;
}

std::string buildIssueBody(const IssueRequest& r) {
  std::string out = rstOpen(r.context);
  out += "<wst:TokenType>" + std::string(kTokenTypeSaml11) + "</wst:TokenType>";
  out += "<wst:RequestType>" + std::string(kRequestIssue) + "</wst:RequestType>";
  out += "<wst:Claims Dialect=\"" + std::string(kClaimsDialect) + "\">";
  for (const auto& uri : r.identity_attributes) {
    out += "<auth:ClaimType Uri=\"" + xml::escape(uri) + "\"><auth:Value>" + xml::escape(r.ssin) +
           "</auth:Value></auth:ClaimType>";
  }
  for (const auto& uri : r.designators) out += "<auth:ClaimType Uri=\"" + xml::escape(uri) + "\"/>";
  out += "</wst:Claims>";
  out += lifetime(r.created, r.expires);
  out += "<wst:KeyType>" + std::string(kKeyTypePublicKey) + "</wst:KeyType>";
  out += "<wst:UseKey><wsse:SecurityTokenReference><ds:X509Data><ds:X509Certificate>" + base64Encode(r.use_key.der()) +
         "</ds:X509Certificate></ds:X509Data></wsse:SecurityTokenReference></wst:UseKey>";
  out += "</wst:RequestSecurityToken>";
  return out;
}

std::string buildRenewBody(const std::string& context, const std::string& old_assertion_xml,
                           std::chrono::system_clock::time_point created, std::chrono::system_clock::time_point expires) {
  std::string out = rstOpen(context);
  out += "<wst:TokenType>" + std::string(kTokenTypeSaml11) + "</wst:TokenType>";
  out += "<wst:RequestType>" + std::string(kRequestRenew) + "</wst:RequestType>";
  out += "<wst:RenewTarget>" + std::string(xml::withoutDeclaration(old_assertion_xml)) + "</wst:RenewTarget>";
  out += lifetime(created, expires);
  out += "</wst:RequestSecurityToken>";
  return out;
}

std::string buildChallengeResponseBody(const std::string& context, const std::string& challenge) {
  return "<wst:RequestSecurityTokenResponse xmlns:wst=\"" + std::string(kWstNs) + "\" Context=\"" + xml::escape(context) +
         "\"><wst:SignChallengeResponse><wst:Challenge>" + xml::escape(challenge) +
         "</wst:Challenge></wst:SignChallengeResponse></wst:RequestSecurityTokenResponse>";
}

Answer parseAnswer(int http_status, const std::string& body) {
  std::optional<xml::Document> doc;
  try {
    doc = xml::Document::parse(body);
  } catch (const Error& e) {
    throw Error("sts_bad_response", "the STS answered HTTP " + std::to_string(http_status) + " without usable XML: " + e.what());
  }
  const auto root = doc->root();
  const auto soap_body = root.is(wss::kSoap11Ns, "Envelope") ? root.child(wss::kSoap11Ns, "Body") : std::nullopt;
  if (!soap_body) throw Error("sts_bad_response", "the STS answer is not a SOAP 1.1 envelope");
  if (const auto fault = soap_body->child(wss::kSoap11Ns, "Fault")) {
    std::string reason;
    for (const auto& child : fault->children()) {
      if (child.localName() == "faultstring") reason = child.text();
    }
    throw Error("sts_fault", "the STS refused the request: " + (reason.empty() ? std::string("(no faultstring)") : reason));
  }
  if (http_status != 200) throw Error("sts_bad_response", "the STS answered HTTP " + std::to_string(http_status));
  auto rstr = soap_body->child(kWstNs, "RequestSecurityTokenResponse");
  if (!rstr) {
    if (const auto collection = soap_body->child(kWstNs, "RequestSecurityTokenResponseCollection")) {
      rstr = collection->child(kWstNs, "RequestSecurityTokenResponse");
    }
  }
  if (!rstr) throw Error("sts_bad_response", "the STS answer holds no RequestSecurityTokenResponse");
  Answer answer{Answer::Kind::Assertion, rstr->attribute("Context").value_or(""), {}, {}};
  if (const auto sign_challenge = rstr->child(kWstNs, "SignChallenge")) {
    const auto challenge = sign_challenge->child(kWstNs, "Challenge");
    if (!challenge || challenge->text().empty()) throw Error("sts_bad_response", "a SignChallenge without a Challenge");
    answer.kind = Answer::Kind::Challenge;
    answer.challenge = challenge->text();
    return answer;
  }
  const auto requested = rstr->child(kWstNs, "RequestedSecurityToken");
  if (!requested || requested->children().empty()) {
    throw Error("sts_bad_response", "the STS answer holds no RequestedSecurityToken");
  }
  // Exclusive c14n makes the element standalone (its namespaces declared on it) without changing
  // what its enveloped signature covers.
  answer.assertion = xml::excC14n(requested->children().front());
  return answer;
}

}  // namespace ehagent::tokens::sts
