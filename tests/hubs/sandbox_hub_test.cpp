// The sandbox hub's rules, driven through its handler with envelopes signed as the agent signs them.
#include <gtest/gtest.h>

#include "sandbox/random_failure.hpp"
#include "tests/hubs/sandbox_hub_fixture.hpp"
#include "tests/hubs/sumehr_sample.hpp"
#include "tokens/error.hpp"
#include "hubs/requests.hpp"
#include "hubs/sumehr.hpp"

namespace ehagent::hubs {
namespace {

// The tests build hub requests with tokens/ signers and XML.
using namespace ehagent::tokens;

using testing::aliceHeader;
using testing::firstErrorCode;

class SandboxHub : public testing::SandboxHubFixture {
 protected:
  nlohmann::json consent() {
    return call(signAsAlice(Operation::PutPatientConsent,
                            buildPutPatientConsent(aliceHeader(), {testing::childPatient(), "2026-01-01"})));
  }
  nlohmann::json link() {
    TherapeuticLink l;
    l.patient = testing::childPatient();
    l.startDate = "2020-01-01";
    l.endDate = "2099-01-01";
    return call(signAsAlice(Operation::PutTherapeuticLink, buildPutTherapeuticLink(aliceHeader(), l)));
  }
  nlohmann::json list() {
    return call(signAsAlice(Operation::GetTransactionList,
                            buildGetTransactionList(aliceHeader(), {"15062034820"})));
  }
  nlohmann::json upload() {
    const auto sumehr = validateSumehr(testing::sumehrXml(), aliceHeader().author.practitioner);
    return call(signAsAlice(Operation::PutTransaction, buildPutTransaction(aliceHeader(), sumehr)));
  }
};

TEST_F(SandboxHub, AccessNeedsConsentThenLinkAndIsAudited) {
  EXPECT_EQ(firstErrorCode(list()), "NO_CONSENT");
  EXPECT_EQ(firstErrorCode(link()), "NO_CONSENT");  // a link needs consent first
  const auto c = consent();
  EXPECT_TRUE(c["acknowledge"]["iscomplete"].get<bool>()) << c.dump();
  EXPECT_EQ(firstErrorCode(upload()), "NO_THERAPEUTIC_LINK");
  EXPECT_TRUE(link()["acknowledge"]["iscomplete"].get<bool>());
  const auto up = upload();
  EXPECT_TRUE(up["acknowledge"]["iscomplete"].get<bool>()) << up.dump();

  const auto l = list();
  ASSERT_EQ(l["transactions"].size(), 1u) << l.dump();
  EXPECT_EQ(l["transactions"][0]["type"], "sumehr");
  EXPECT_EQ(l["transactions"][0]["patient"], "15062034820");
  EXPECT_EQ(l["transactions"][0]["author"][0]["nihii"], "10012378004");

  const auto trail = call(signAsAlice(Operation::GetPatientAuditTrail,
                                      buildGetPatientAuditTrail(aliceHeader(), {"15062034820"})));
  ASSERT_EQ(trail["accesses"].size(), 2u) << trail.dump();  // the upload and the listing
  EXPECT_EQ(trail["accesses"][1]["hcparty"]["nihii"], "10012378004");
  EXPECT_EQ(trail["accesses"][1]["hcparty"]["familyname"], "SPECIMEN");
  EXPECT_EQ(trail["accesses"][1]["patient"], "15062034820");
  EXPECT_FALSE(trail["accesses"][1]["accessdatetime"].get<std::string>().empty());

  // A revoked consent blocks access again.
  const auto revoke = call(signAsAlice(Operation::RevokePatientConsent,
                                       buildRevokePatientConsent(aliceHeader(), {testing::childPatient(), "2026-02-01"})));
  EXPECT_TRUE(revoke["acknowledge"]["iscomplete"].get<bool>());
  EXPECT_EQ(firstErrorCode(list()), "NO_CONSENT");
}

TEST_F(SandboxHub, RevokedLinkBlocksAccess) {
  consent();
  link();
  EXPECT_TRUE(list()["acknowledge"]["iscomplete"].get<bool>());
  TherapeuticLink l;
  l.patient = testing::childPatient();
  l.startDate = "2020-01-01";
  l.endDate = "2099-01-01";
  call(signAsAlice(Operation::RevokeTherapeuticLink, buildRevokeTherapeuticLink(aliceHeader(), l)));
  EXPECT_EQ(firstErrorCode(list()), "NO_THERAPEUTIC_LINK");
}

std::string faultCode(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.code() + " " + e.what();
  }
  return "<no fault>";
}

TEST_F(SandboxHub, AssertionFromAnUntrustedStsIsAFault) {
  auto rogue = signer("alice_sign");  // a key the hub does not take as an STS
  auto key = signer("alice_ehealth");
  const auto assertion = testing::samlAssertion(key.certificate(), rogue);
  const auto r = signHubRequest(Operation::GetTransactionList,
                                buildGetTransactionList(aliceHeader(), {"15062034820"}), assertion, key);
  const auto code = faultCode([&] { call(r); });
  EXPECT_EQ(code.rfind("hub_fault", 0), 0u) << code;
  EXPECT_NE(code.find("signature_untrusted"), std::string::npos) << code;
}

TEST_F(SandboxHub, SignatureByAnotherKeyThanTheConfirmedOneIsAFault) {
  // An RSA key like the confirmed one, so only the key itself differs.
  auto other = signer("alice_sign");
  const auto r = signHubRequest(Operation::GetTransactionList,
                                buildGetTransactionList(aliceHeader(), {"15062034820"}), aliceAssertion(), other);
  const auto code = faultCode([&] { call(r); });
  EXPECT_NE(code.find("signature_invalid"), std::string::npos) << code;
  auto bob = signer("bob_ehealth");  // an EC key against an RSA holder-of-key certificate
  const auto ec = signHubRequest(Operation::GetTransactionList,
                                 buildGetTransactionList(aliceHeader(), {"15062034820"}), aliceAssertion(), bob);
  EXPECT_EQ(faultCode([&] { call(ec); }).rfind("hub_fault", 0), 0u);
}

TEST_F(SandboxHub, RequestInAnotherPractitionersNameIsAFault) {
  auto h = aliceHeader();
  h.author.practitioner.nihii = "10045636003";
  h.author.practitioner.ssin = "82110523358";
  const auto code = faultCode([&] { call(signAsAlice(Operation::GetTransactionList, buildGetTransactionList(h, {"15062034820"}))); });
  EXPECT_NE(code.find("not the authenticated practitioner"), std::string::npos) << code;
}

TEST_F(SandboxHub, ChangedBodyIsAFault) {
  auto r = signAsAlice(Operation::PutPatientConsent,
                       buildPutPatientConsent(aliceHeader(), {testing::childPatient(), "2026-01-01"}));
  r.envelope.replace(r.envelope.find("2026-01-01"), 10, "2026-01-02");
  const auto code = faultCode([&] { call(r); });
  EXPECT_NE(code.find("signature_invalid"), std::string::npos) << code;
}

TEST_F(SandboxHub, FailPercentGivesThatShareOfCallsAFault) {
  EXPECT_TRUE(consent()["acknowledge"]["iscomplete"].get<bool>());
  sandbox::HubServiceOptions options;
  options.stsTrust = {certs::Certificate::loadFile(stsPem_)};
  options.failPercent = 100;
  hub_ = std::make_unique<sandbox::HubService>(options);
  for (int i = 0; i < 3; ++i) {
    const auto code = faultCode([&] { consent(); });
    EXPECT_NE(code.find("sandbox: random failure"), std::string::npos) << code;
  }
  options.failPercent = 101;
  EXPECT_THROW(sandbox::HubService{options}, std::invalid_argument);
}

// The soak asks for 10 %: the roll must give 10 %, not the 11.7 % of a one-byte roll modulo 100.
// Over a million rolls, +-0.3 points is ten standard deviations; 11.7 % is over fifty away.
TEST(SandboxFailRoll, GivesTheShareAskedFor) {
  int zero = 0, hundred = 0, ten = 0;
  for (int i = 0; i < 1000; ++i) {
    zero += sandbox::failThisCall(0);
    hundred += sandbox::failThisCall(100);
  }
  EXPECT_EQ(zero, 0);
  EXPECT_EQ(hundred, 1000);
  constexpr int rolls = 1000000;
  for (int i = 0; i < rolls; ++i) ten += sandbox::failThisCall(10);
  EXPECT_NEAR(ten * 100.0 / rolls, 10.0, 0.3);
  EXPECT_THROW((void)sandbox::failThisCall(-1), std::invalid_argument);
}

}  // namespace
}  // namespace ehagent::hubs
