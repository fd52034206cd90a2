// The STS login end to end: the client against the sandbox STS over loopback HTTPS, with RSA and
// EC eID keys, the SignChallenge, fallback mode, renewal and every misbehaviour of the sandbox.
#include "tests/sts/sts_fixture.hpp"

#include "tokens/sts/protocol.hpp"

namespace ehagent::sts_testing {
namespace {

TEST_F(StsFixture, AliceRsaEidIssueAnswersTheChallenge) {
  tokens::StsClient client(config());
  auto eid = signer("alice_auth");
  auto ehealth = signer("alice_ehealth");
  const auto token = client.issue(kAlice, &eid, ehealth);
  EXPECT_EQ(token.first(kNihii), "10012378004");
  EXPECT_TRUE(token.isTrue(kDoctor));
  EXPECT_EQ(token.first("urn:be:fgov:person:ssin:ehealth:1.0:givenname"), "Alice");
  EXPECT_EQ(token.first("urn:be:fgov:person:ssin"), "78031215280");
  EXPECT_EQ(token.issuer, "urn:be:fgov:ehealth:sts:1_0");
  EXPECT_GT(token.not_on_or_after, std::chrono::system_clock::now());
  const auto sent = actions();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[0], "\"urn:be:fgov:ehealth:sts:protocol:v1:RequestSecurityToken\"");
  EXPECT_EQ(sent[1], "\"urn:be:fgov:ehealth:sts:protocol:v1:Challenge\"");
}

TEST_F(StsFixture, BobEcEidIssue) {
  tokens::StsClient client(config());
  auto eid = signer("bob_auth");
  auto ehealth = signer("bob_ehealth");
  const auto token = client.issue(kBob, &eid, ehealth);
  EXPECT_EQ(token.first(kNihii), "10045636003");
  EXPECT_NE(requests().front().find("ecdsa-sha384"), std::string::npos);
}

TEST_F(StsFixture, FallbackModeSignsWithTheEhealthKeyAndNeedsNoChallenge) {
  tokens::StsClient client(config());
  auto ehealth = signer("alice_ehealth");
  const auto token = client.issue(kAlice, nullptr, ehealth);
  EXPECT_EQ(token.first(kNihii), "10012378004");
  EXPECT_EQ(requests().size(), 1u);
}

TEST_F(StsFixture, ThePractitionerCannotAskForSomeoneElse) {
  tokens::StsClient client(config());
  auto eid = signer("alice_auth");
  auto ehealth = signer("alice_ehealth");
  EXPECT_EQ(codeOf([&] { client.issue(kBob, &eid, ehealth); }), "sts_fault");
  auto bob_ehealth = signer("bob_ehealth");
  EXPECT_EQ(codeOf([&] { client.issue(kAlice, &eid, bob_ehealth); }), "sts_fault");
}

TEST_F(StsFixture, RenewsAShortLivedToken) {
  control(R"({"lifetime_seconds": 30})");
  tokens::StsClient client(config());
  auto eid = signer("alice_auth");
  auto ehealth = signer("alice_ehealth");
  const auto first = client.issue(kAlice, &eid, ehealth);
  EXPECT_LE(first.not_on_or_after - first.not_before, std::chrono::seconds(30));
  const auto renewed = client.renew(kAlice, first, ehealth);
  EXPECT_NE(renewed.assertion_id, first.assertion_id);
  EXPECT_EQ(renewed.first(kNihii), "10012378004");
  EXPECT_NE(requests().back().find(std::string(tokens::sts::kRequestRenew)), std::string::npos);
}

TEST_F(StsFixture, RenewalSignedByAnotherKeyIsRefused) {
  tokens::StsClient client(config());
  auto ehealth = signer("alice_ehealth");
  const auto first = client.issue(kAlice, nullptr, ehealth);
  auto bob = signer("bob_ehealth");
  EXPECT_EQ(codeOf([&] { client.renew(kAlice, first, bob); }), "sts_fault");
}

struct Misbehaviour {
  const char* control;
  const char* code;
};

class StsMisbehaviourTest : public StsFixture, public ::testing::WithParamInterface<Misbehaviour> {};

TEST_P(StsMisbehaviourTest, YieldsItsCode) {
  control(GetParam().control);
  auto c = config();
  c.http.read_timeout = std::chrono::milliseconds(1500);
  tokens::StsClient client(c);
  auto eid = signer("alice_auth");
  auto ehealth = signer("alice_ehealth");
  EXPECT_EQ(codeOf([&] { client.issue(kAlice, &eid, ehealth); }), GetParam().code);
  // The sandbox, told to behave again, serves the next login.
  control(R"({"mode": "normal"})");
  EXPECT_NO_THROW(client.issue(kAlice, &eid, ehealth));
}

INSTANTIATE_TEST_SUITE_P(Modes, StsMisbehaviourTest,
                         ::testing::Values(Misbehaviour{R"({"mode": "fault"})", "sts_fault"},
                                           Misbehaviour{R"({"mode": "bad_signature"})", "sts_bad_signature"},
                                           Misbehaviour{R"({"mode": "wrong_ssin"})", "sts_wrong_subject"},
                                           Misbehaviour{R"({"mode": "drop"})", "sts_unreachable"},
                                           Misbehaviour{R"({"mode": "slow", "delay_ms": 4000})", "sts_unreachable"},
                                           Misbehaviour{R"({"fail_percent": 100})", "sts_fault"}));

TEST_F(StsFixture, AnAssertionFromAnUntrustedStsIsRefused) {
  auto c = config();
  c.sts_trust = {cert("ehealth_ca")};
  tokens::StsClient client(c);
  auto ehealth = signer("alice_ehealth");
  EXPECT_EQ(codeOf([&] { client.issue(kAlice, nullptr, ehealth); }), "sts_bad_signature");
}

TEST_F(StsFixture, AnExpiredAssertionIsRefused) {
  control(R"({"lifetime_seconds": 5})");
  // The client's clock runs a minute ahead of the sandbox's.
  tokens::StsClient client(config(), tokens::StsProfiles::builtin(),
                           [] { return std::chrono::system_clock::now() + std::chrono::minutes(1); });
  auto ehealth = signer("alice_ehealth");
  EXPECT_EQ(codeOf([&] { client.issue(kAlice, nullptr, ehealth); }), "sts_expired");
}

TEST_F(StsFixture, UnknownProfessionIsRefusedBeforeAnyCall) {
  tokens::StsClient client(config());
  auto ehealth = signer("alice_ehealth");
  EXPECT_EQ(codeOf([&] { client.issue({"78031215280", "astronaut"}, nullptr, ehealth); }), "unknown_profession");
  EXPECT_TRUE(requests().empty());
}

}  // namespace
}  // namespace ehagent::sts_testing
