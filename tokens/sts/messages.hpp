#pragma once
// The WS-Trust bodies the STS client sends, and the reading of the STS's SOAP answers. Pure
// functions over text, so the sandbox and the tests use the same shapes.
#include <chrono>
#include <string>
#include <vector>

#include "certs/certificate.hpp"
#include "tokens/sts/profiles.hpp"

namespace ehagent::tokens::sts {

struct IssueRequest {
  std::string context;  // a UUID
  std::string ssin;
  std::vector<std::string> identity_attributes;  // sent with the SSIN as value
  std::vector<std::string> designators;          // sent without a value
  std::chrono::system_clock::time_point created;
  std::chrono::system_clock::time_point expires;
  certs::Certificate use_key;  // the eHealth certificate the token is bound to
};

// <wst:RequestSecurityToken> for RequestType Issue (PROTOCOLS.md, STS).
std::string buildIssueBody(const IssueRequest& request);
// <wst:RequestSecurityToken> for RequestType Renew, the old assertion in wst:RenewTarget.
std::string buildRenewBody(const std::string& context, const std::string& old_assertion_xml,
                           std::chrono::system_clock::time_point created,
                           std::chrono::system_clock::time_point expires);
// <wst:RequestSecurityTokenResponse Context=...><wst:SignChallengeResponse><wst:Challenge>.
std::string buildChallengeResponseBody(const std::string& context, const std::string& challenge);

std::string newContextUuid();

// What the STS answered.
struct Answer {
  enum class Kind { Assertion, Challenge } kind;
  std::string context;    // the RSTR's Context, when there is one
  std::string challenge;  // Kind::Challenge
  std::string assertion;  // Kind::Assertion: the first child of RequestedSecurityToken, standalone
};

// Reads an STS answer. Throws tokens::Error: sts_fault (a SOAP fault, with its faultstring),
// sts_bad_response (anything else that is not one of the two shapes).
Answer parseAnswer(int http_status, const std::string& body);


}  // namespace ehagent::tokens::sts
