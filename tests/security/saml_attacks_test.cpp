// The STS assertion as the agent reads it (tokens::verifySamlAssertion) and as the STS answer
// reader hands it over (sts::parseAnswer): wrapping, edits, injection into unsigned parts,
// comment truncation, expiry, holder binding, and which signers count as "the STS".
#include <gtest/gtest.h>

#include "attack_util.hpp"
#include "pki_fixture.hpp"
#include "tokens/sts/assertion.hpp"
#include "tokens/sts/messages.hpp"
#include "tokens/xml/wssecurity.hpp"

namespace ehagent::security {
namespace {

class SamlAttack : public PkiFixture {
 protected:
  tokens::SamlCheck check(Clock::time_point now = Clock::now()) {
    tokens::SamlCheck c;
    c.sts_trust = {sts_->cert};
    c.expected_ssin = kAliceSsin;
    c.holder = &alice_->cert;
    c.now = now;
    return c;
  }
  std::string ours(const std::string& xml, const tokens::SamlCheck& c) {
    return verdict([&] { tokens::verifySamlAssertion(xml, c); });
  }
  std::string ours(const std::string& xml) { return ours(xml, check()); }
};

TEST_F(SamlAttack, BaselineAssertionVerifies) {
  const auto token = tokens::verifySamlAssertion(assertion(*alice_, *sts_), check());
  EXPECT_EQ(token.first(std::string(tokens::sts::kHolderSsinAttribute)), kAliceSsin);
}

TEST_F(SamlAttack, EditedAttributeIsRefused) {
  EXPECT_EQ(ours(replaceOnce(assertion(*alice_, *sts_), ">true<", ">false<")), "sts_bad_signature");
}

TEST_F(SamlAttack, WrappedAssertionWithANewIdIsRefused) {
  // An unsigned assertion about Bob on top, the signed original about Alice hidden in Advice, the
  // original Signature moved up so that "the assertion has a valid signature" still holds.
  const std::string original = assertion(*alice_, *sts_);
  const std::string signature = slice(original, "<ds:Signature", "</ds:Signature>");
  std::string evil = replaceOnce(replaceOnce(original, signature, ""), "AssertionID=\"", "AssertionID=\"evil");
  evil = replaceOnce(evil, "</saml:Assertion>", "<saml:Advice>" + original + "</saml:Advice>" + signature +
                                                    "</saml:Assertion>");
  EXPECT_EQ(ours(evil), "sts_bad_signature");
}

TEST_F(SamlAttack, WrappedAssertionWithTheSameIdIsRefused) {
  const std::string original = assertion(*alice_, *sts_);
  const std::string signature = slice(original, "<ds:Signature", "</ds:Signature>");
  std::string evil = replaceOnce(original, ">true<", ">false<");
  evil = replaceOnce(evil, signature, "");
  evil = replaceOnce(evil, "</saml:Assertion>", signature + "<saml:Advice>" + original + "</saml:Advice></saml:Assertion>");
  EXPECT_EQ(ours(evil), "sts_bad_signature");
}

TEST_F(SamlAttack, CommentInTheSsinDoesNotTruncateIt) {
  // Comments are outside exclusive c14n, so the signature holds; the SSIN read must be whole.
  const std::string signed_xml = assertion(*alice_, *sts_);
  const std::string split = replaceOnce(signed_xml, std::string(">") + kAliceSsin + "<", ">780312<!---->15280<");
  tokens::SamlCheck c = check();
  c.expected_ssin.clear();
  const auto token = tokens::verifySamlAssertion(split, c);
  EXPECT_EQ(token.first(std::string(tokens::sts::kHolderSsinAttribute)), kAliceSsin);
}

TEST_F(SamlAttack, ContentInjectedIntoTheUnsignedKeyInfoIsNeverRead) {
  // ds:KeyInfo is not covered by SignedInfo: an attacker may add anything there.
  const std::string signed_xml = assertion(*alice_, *sts_, kAliceSsin, std::chrono::minutes(5));
  const std::string injected =
      "<saml:Conditions NotBefore=\"2000-01-01T00:00:00Z\" NotOnOrAfter=\"2999-01-01T00:00:00Z\"/>"
      "<saml:AttributeStatement><saml:Attribute AttributeName=\"urn:be:fgov:ehealth:1.0:certificateholder:person:ssin\">"
      "<saml:AttributeValue>82110523358</saml:AttributeValue></saml:Attribute></saml:AttributeStatement>";
  const std::string signature = slice(signed_xml, "<ds:Signature", "</ds:Signature>");
  const std::string forged =
      replaceOnce(signed_xml, signature, replaceOnce(signature, "</ds:KeyInfo>", injected + "</ds:KeyInfo>"));
  tokens::SamlCheck c = check();
  c.expected_ssin.clear();
  tokens::SamlToken token;
  const std::string v = verdict([&] { token = tokens::verifySamlAssertion(forged, c); });
  if (v == "ok") {
    EXPECT_EQ(token.first(std::string(tokens::sts::kHolderSsinAttribute)), kAliceSsin);
    EXPECT_LT(token.not_on_or_after, Clock::now() + std::chrono::hours(1));
  }
  // And the injected Conditions do not extend the life of an expired assertion.
  EXPECT_EQ(ours(forged, check(Clock::now() + std::chrono::hours(2))), "sts_expired");
}

TEST_F(SamlAttack, ExpiredAndNotYetValidAreRefused) {
  const std::string signed_xml = assertion(*alice_, *sts_, kAliceSsin, std::chrono::minutes(10));
  EXPECT_EQ(ours(signed_xml, check(Clock::now() + std::chrono::minutes(10))), "sts_expired");
  EXPECT_EQ(ours(signed_xml, check(Clock::now() - std::chrono::hours(1))), "sts_expired");
}

TEST_F(SamlAttack, AnotherPractitionersAssertionIsRefused) {
  // A valid STS assertion, but about Bob and bound to Bob's eHealth certificate.
  EXPECT_EQ(ours(assertion(*bob_, *sts_, kBobSsin)), "sts_wrong_subject");
  // About Alice, but bound to Bob's certificate.
  EXPECT_EQ(ours(assertion(*bob_, *sts_)), "sts_wrong_subject");
}

TEST_F(SamlAttack, SelfMadeAssertionIsRefused) {
  EXPECT_EQ(ours(assertion(*alice_, *attacker_)), "sts_bad_signature");
  // A practitioner's own eHealth key is not an STS either, even though its CA is trusted elsewhere.
  EXPECT_EQ(ours(assertion(*alice_, *alice_)), "sts_bad_signature");
  // No STS trust configured at all: nothing is believed.
  tokens::SamlCheck c = check();
  c.sts_trust.clear();
  EXPECT_EQ(ours(assertion(*alice_, *sts_), c), "sts_bad_signature");
}

TEST_F(SamlAttack, TrustingTheStsCaDoesNotMakeEveryLeafAnSts) {
  // [sts] trust pins the STS signing certificate. Were a CA there taken as an anchor, another
  // certificate of that CA (a TLS server, another service) could mint assertions the agent accepts.
  tokens::SamlCheck c = check();
  c.sts_trust = {sts_ca_->cert};
  EXPECT_EQ(ours(assertion(*alice_, *other_service_), c), "sts_bad_signature");
  // The CA alone names no STS, not even its real one: only a pinned certificate does.
  EXPECT_EQ(ours(assertion(*alice_, *sts_), c), "sts_bad_signature");
  c.sts_trust = {sts_ca_->cert, sts_->cert};
  EXPECT_EQ(ours(assertion(*alice_, *sts_), c), "ok");
  EXPECT_EQ(ours(assertion(*alice_, *other_service_), c), "sts_bad_signature");
}

TEST_F(SamlAttack, StsAnswerWithAnUnsignedAssertionFirstIsRefused) {
  // parseAnswer hands over the first child of RequestedSecurityToken: an unsigned one put before
  // the signed one must fail verification, not be believed.
  const std::string signed_xml = assertion(*alice_, *sts_);
  const std::string unsigned_xml = replaceOnce(replaceOnce(signed_xml, slice(signed_xml, "<ds:Signature", "</ds:Signature>"), ""),
                                               "AssertionID=\"", "AssertionID=\"x");
  const std::string answer =
      "<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\"><soapenv:Body>"
      "<wst:RequestSecurityTokenResponse xmlns:wst=\"http://docs.oasis-open.org/ws-sx/ws-trust/200512\" Context=\"c\">"
      "<wst:RequestedSecurityToken>" + unsigned_xml + signed_xml +
      "</wst:RequestedSecurityToken></wst:RequestSecurityTokenResponse></soapenv:Body></soapenv:Envelope>";
  const auto parsed = tokens::sts::parseAnswer(200, answer);
  ASSERT_EQ(parsed.kind, tokens::sts::Answer::Kind::Assertion);
  EXPECT_EQ(ours(parsed.assertion), "sts_bad_signature");
}

TEST_F(SamlAttack, StsFaultTextIsNotTakenForAnAssertion) {
  // A fault's text comes back in the error message; a huge or hostile faultstring must not crash.
  const std::string answer =
      "<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\"><soapenv:Body><soapenv:Fault>"
      "<faultcode>x</faultcode><faultstring>" + std::string(100000, 'A') +
      "</faultstring></soapenv:Fault></soapenv:Body></soapenv:Envelope>";
  EXPECT_EQ(verdict([&] { tokens::sts::parseAnswer(200, answer); }), "sts_fault");
}

}  // namespace
}  // namespace ehagent::security
