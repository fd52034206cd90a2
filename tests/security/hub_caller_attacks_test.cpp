// The sandbox hub's proof of who calls (sandbox::verifyHubCall): the STS assertion must be
// trusted and current, the Body and Timestamp signed by the key that assertion confirms, and the
// caller's identity read from the exact attributes. A hub that gets this wrong lets one
// practitioner act as another.
#include <gtest/gtest.h>

#include "attack_util.hpp"
#include "pki_fixture.hpp"
#include "sandbox/hub_caller.hpp"
#include "tokens/xml/wssecurity.hpp"

namespace ehagent::security {
namespace {

constexpr const char* kRequest = "<hub:PutTransactionRequest xmlns:hub=\"urn:test:hub\"><hub:x>1</hub:x></hub:PutTransactionRequest>";

class HubCallerAttack : public PkiFixture {
 protected:
  std::string call(const std::string& saml, TestKey& body_signer, const std::string& body = kRequest) {
    tokens::wss::EnvelopeOptions options;
    options.body_xml = body;
    options.saml_assertion = saml;
    return tokens::wss::buildEnvelope(options, *body_signer.signer);
  }
  std::string ours(const std::string& envelope) {
    return verdict([&] { sandbox::verifyHubCall(envelope, {sts_->cert}); });
  }
};

TEST_F(HubCallerAttack, BaselineCallNamesAlice) {
  const auto verified = sandbox::verifyHubCall(call(assertion(*alice_, *sts_), *alice_), {sts_->cert});
  EXPECT_EQ(verified.caller.ssin, kAliceSsin);
  EXPECT_EQ(verified.caller.nihii, kAliceNihii);
}

TEST_F(HubCallerAttack, StolenAssertionWithoutTheHolderKeyIsRefused) {
  // Bob got hold of Alice's assertion (it travels in every call) but signs with his own key.
  EXPECT_EQ(ours(call(assertion(*alice_, *sts_), *bob_)), "signature_invalid");
}

TEST_F(HubCallerAttack, AssertionSwappedAfterSigningIsRefused) {
  // Alice signs her call; the assertion in it is then swapped for Bob's (valid, trusted) one.
  const std::string alice_call = call(assertion(*alice_, *sts_), *alice_);
  const std::string bob_assertion = assertion(*bob_, *sts_, kBobSsin);
  const std::string swapped =
      replaceOnce(alice_call, slice(alice_call, "<saml:Assertion", "</saml:Assertion>"), bob_assertion);
  EXPECT_NE(ours(swapped), "ok");
}

TEST_F(HubCallerAttack, SelfMadeAssertionIsRefused) {
  EXPECT_EQ(ours(call(assertion(*attacker_, *attacker_), *attacker_)), "signature_untrusted");
  // Signed by a leaf of the STS's own CA that is not the STS: the hub pins the STS certificate.
  EXPECT_EQ(ours(call(assertion(*alice_, *other_service_), *alice_)), "signature_untrusted");
}

TEST_F(HubCallerAttack, ExpiredAssertionIsRefused) {
  sandbox::AssertionContent content{alice_->cert, Clock::now() - std::chrono::hours(2), Clock::now() - std::chrono::hours(1),
                                    doctorAttributes(kAliceSsin)};
  EXPECT_EQ(ours(call(sandbox::buildSignedAssertion(content, *sts_->signer), *alice_)), "timestamp_expired");
}

TEST_F(HubCallerAttack, TwoAssertionsAreRefused) {
  const std::string alice_call = call(assertion(*alice_, *sts_), *alice_);
  const std::string extra = assertion(*bob_, *sts_, kBobSsin);
  EXPECT_EQ(ours(insertBefore(alice_call, "<saml:Assertion", extra)), "invalid_input");
}

TEST_F(HubCallerAttack, WrappedBodyIsRefused) {
  const std::string signed_call = call(assertion(*alice_, *sts_), *alice_);
  const std::string body = slice(signed_call, "<soapenv:Body", "</soapenv:Body>");
  const std::string forged = insertBefore(
      replaceOnce(signed_call, body, "<soapenv:Body><hub:PutTransactionRequest xmlns:hub=\"urn:test:hub\"><hub:x>2</hub:x>"
                                     "</hub:PutTransactionRequest></soapenv:Body>"),
      "</wsse:Security>", "<w:Wrap xmlns:w=\"urn:evil\">" + body + "</w:Wrap>");
  EXPECT_EQ(ours(forged), "signature_invalid");
}

TEST_F(HubCallerAttack, NonHolderOfKeyConfirmationIsRefused) {
  // A sender-vouches (or bearer) assertion carries no proof that the caller holds the key.
  const std::string sv = resign(replaceOnce(assertion(*alice_, *sts_), "urn:oasis:names:tc:SAML:1.0:cm:holder-of-key",
                                            "urn:oasis:names:tc:SAML:1.0:cm:sender-vouches"),
                                *sts_);
  EXPECT_EQ(ours(call(sv, *alice_)), "invalid_input");
}

TEST_F(HubCallerAttack, CallerSsinComesFromTheExactAttributeName) {
  // The STS may list attributes in any order. A designator whose name merely contains
  // "urn:be:fgov:person:ssin" (…:doctor:boolean = "true") must not be taken for the SSIN.
  const std::string ident(tokens::sts::kIdentificationNamespace), certified(tokens::sts::kCertifiedNamespace);
  sandbox::AssertionContent content{alice_->cert, Clock::now() - std::chrono::minutes(1), Clock::now() + std::chrono::hours(1),
                                    {{kDoctorBoolean, certified, "true"},
                                     {kDoctorNihii, certified, kAliceNihii},
                                     {kSsinAttribute, ident, kAliceSsin}}};
  const auto verified =
      sandbox::verifyHubCall(call(sandbox::buildSignedAssertion(content, *sts_->signer), *alice_), {sts_->cert});
  EXPECT_EQ(verified.caller.ssin, kAliceSsin);
  EXPECT_EQ(verified.caller.nihii, kAliceNihii);
}

}  // namespace
}  // namespace ehagent::security
