#include "tokens/sts/client.hpp"

#include "tokens/error.hpp"
#include "tokens/sts/messages.hpp"
#include "tokens/sts/protocol.hpp"
#include "tokens/xml/wssecurity.hpp"

namespace ehagent::tokens {
namespace {

HttpClientOptions stsHttp(HttpClientOptions options) {
  options.service = "sts";
  return options;
}

}  // namespace

StsClient::StsClient(StsConfig config, const StsProfiles& profiles, Clock clock)
    : config_(std::move(config)),
      profiles_(profiles),
      clock_(clock ? std::move(clock) : Clock([] { return std::chrono::system_clock::now(); })),
      http_(stsHttp(config_.http)) {
  if (config_.token_lifetime.count() <= 0) throw Error("invalid_input", "the STS token lifetime must be positive");
}

std::string StsClient::send(const std::string& envelope, std::string_view action, int& status) const {
  const auto response = http_.post(config_.endpoint, envelope,
                                   {{"Content-Type", "text/xml; charset=utf-8"}, {"SOAPAction", "\"" + std::string(action) + "\""}});
  status = response.status;
  return response.body;
}

SamlToken StsClient::issue(const Practitioner& who, Signer* eid_authentication, Signer& ehealth) const {
  const auto now = clock_();
  sts::IssueRequest request{sts::newContextUuid(),
                            who.ssin,
                            profiles_.identityAttributes(),
                            profiles_.designators(who.profession),
                            now,
                            now + config_.token_lifetime,
                            ehealth.certificate()};
  wss::EnvelopeOptions options;
  options.body_xml = sts::buildIssueBody(request);
  options.binary_security_token = true;
  options.now = now;
  Signer& signer = eid_authentication != nullptr ? *eid_authentication : ehealth;
  return conclude(who, request.context, wss::buildEnvelope(options, signer), ehealth);
}

SamlToken StsClient::renew(const Practitioner& who, const SamlToken& old, Signer& ehealth) const {
  const auto now = clock_();
  const std::string context = sts::newContextUuid();
  wss::EnvelopeOptions options;
  options.body_xml = sts::buildRenewBody(context, old.xml, now, now + config_.token_lifetime);
  options.binary_security_token = true;
  options.now = now;
  return conclude(who, context, wss::buildEnvelope(options, ehealth), ehealth);
}

SamlToken StsClient::conclude(const Practitioner& who, const std::string& context, std::string envelope,
                              Signer& ehealth) const {
  std::string_view action = sts::kActionIssue;
  for (int round = 0;; ++round) {
    int status = 0;
    const std::string body = send(envelope, action, status);
    const sts::Answer answer = sts::parseAnswer(status, body);
    if (answer.kind == sts::Answer::Kind::Assertion) {
      SamlCheck check;
      check.sts_trust = config_.sts_trust;
      check.expected_ssin = who.ssin;
      check.holder = &ehealth.certificate();
      check.now = clock_();
      return verifySamlAssertion(answer.assertion, check);
    }
    if (round >= config_.max_challenges) {
      throw Error("sts_bad_response", "the STS sent one SignChallenge too many");
    }
    // The challenge proves possession of the UseKey: only the eHealth key may answer it.
    wss::EnvelopeOptions options;
    options.body_xml = sts::buildChallengeResponseBody(answer.context.empty() ? context : answer.context,
                                                       answer.challenge);
    options.binary_security_token = true;
    options.now = clock_();
    envelope = wss::buildEnvelope(options, ehealth);
    action = sts::kActionChallenge;
  }
}

}  // namespace ehagent::tokens
