// The hub story through the real daemon and the sandbox hub: with Alice logged in, consent for the
// patient read from Bob's card, the therapeutic link, the Sumehr upload, the list, and the audit
// trail of Alice's accesses; a mode=sign envelope that xmlsec1 verifies against Alice's eHealth
// certificate; `ehagent audit verify` on the resulting log; and a Sumehr in another's name refused.
#include <fstream>
#include <sstream>

#include "tests/e2e/e2e_fixture.hpp"

namespace ehagent::e2e {
namespace {

std::string demoSumehr() {
  std::ifstream in(EHAGENT_DEMO_SUMEHR);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

void replaceAll(std::string& text, const std::string& from, const std::string& to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
}

bool complete(const HttpResult& r) {
  const auto body = r.json();
  return body.is_object() && body.contains("acknowledge") && body["acknowledge"].value("iscomplete", false);
}

TEST_F(EndToEnd, AliceConsentLinkSumehrListAndAuditTrailForThePatientOnBobsCard) {
  ASSERT_NO_FATAL_FAILURE(loginAs(kAlice, true));
  const std::string sumehr = demoSumehr();
  ASSERT_NE(sumehr.find("sumehr"), std::string::npos) << "the demo Sumehr is missing";

  auto r = call("POST", "/v1/hubs/sandbox/consents", R"({"patient_card":"read"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(complete(r)) << r.body;
  r = call("POST", "/v1/hubs/sandbox/therapeutic-links", R"({"patient_card":"read"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(complete(r)) << r.body;
  r = call("POST", "/v1/hubs/sandbox/transactions", sumehr);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(complete(r)) << r.body;

  r = call("GET", std::string("/v1/hubs/sandbox/transactions?patient=") + kBob.ssin);
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_TRUE(complete(r)) << r.body;
  ASSERT_EQ(r.json()["transactions"].size(), 1u) << r.body;
  EXPECT_EQ(r.json()["transactions"][0]["type"], "sumehr") << r.body;

  r = call("GET", std::string("/v1/hubs/sandbox/audit-trail?patient=") + kBob.ssin);
  ASSERT_EQ(r.status, 200) << r.body;
  const auto accesses = r.json()["accesses"];
  ASSERT_GE(accesses.size(), 2u) << r.body;
  for (const auto& a : accesses) EXPECT_EQ(a["hcparty"]["nihii"], kAlice.nihii) << r.body;

  // mode=sign: the envelope verifies with xmlsec1 against Alice's eHealth certificate only.
  r = call("POST", "/v1/hubs/sandbox/consents?mode=sign", R"({"patient_card":"read"})");
  ASSERT_EQ(r.status, 200) << r.body;
  const std::string envelope = r.json()["envelope"].get<std::string>();
  const auto verified = xmlsecEnvelope(scratch(), envelope, SpecimenCopy::ehealth("alice.pem"));
  EXPECT_TRUE(verified.ok) << verified.output;
  EXPECT_FALSE(xmlsecEnvelope(scratch(), envelope, SpecimenCopy::ehealth("bob.pem")).ok);
  std::string changed = envelope;
  replaceAll(changed, kBob.ssin, kAlice.ssin);
  EXPECT_FALSE(xmlsecEnvelope(scratch(), changed, SpecimenCopy::ehealth("alice.pem")).ok);

  // The audit log has every step, with the patient and the signed Body's hash, and its chain holds.
  for (const char* op : {"hub.consent.put", "hub.link.put", "hub.transaction.put", "hub.transactions.list",
                         "hub.audittrail.get"}) {
    const auto rows = auditRows(op);
    ASSERT_FALSE(rows.empty()) << op;
    EXPECT_EQ(rows.front()["outcome"], "ok") << op;
    EXPECT_EQ(rows.front()["patient_ssin"], kBob.ssin) << op;
    EXPECT_EQ(rows.front()["practitioner_ssin"], kAlice.ssin) << op;
    EXPECT_EQ(rows.front()["signed_sha256"].get<std::string>().size(), 64u) << op;
  }
  EXPECT_EQ(auditRows("hub.consent.put").size(), 2u);  // submit and sign
  const auto check = ehagentCli({"audit", "verify"});
  EXPECT_EQ(check.exitCode, 0) << check.out << check.err;
  EXPECT_NE(check.out.find("audit chain ok"), std::string::npos) << check.out;
}

TEST_F(EndToEnd, ASumehrInAnotherPractitionersNameIsRefusedWithAPointerAndAudited) {
  ASSERT_NO_FATAL_FAILURE(loginAs(kAlice, true));
  std::string sumehr = demoSumehr();
  replaceAll(sumehr, kAlice.nihii, kBob.nihii);
  replaceAll(sumehr, "<id S=\"INSS\" SV=\"1.0\">" + std::string(kAlice.ssin),
             "<id S=\"INSS\" SV=\"1.0\">" + std::string(kBob.ssin));
  const auto r = call("POST", "/v1/hubs/sandbox/transactions", sumehr);
  ASSERT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(r.json()["code"], "invalid_input") << r.body;
  const std::string pointer = r.json().value("pointer", "");
  EXPECT_FALSE(pointer.empty()) << r.body;
  EXPECT_NE(pointer.find("sender"), std::string::npos) << r.body;

  const auto rows = auditRows("hub.transaction.put");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0]["outcome"], "refused");
  EXPECT_EQ(rows[0]["problem_code"], "invalid_input");
  EXPECT_TRUE(rows[0]["signed_sha256"].is_null()) << rows[0].dump();  // nothing was signed
  // Nothing reached the hub: the patient has no transactions.
  const auto list = call("GET", std::string("/v1/hubs/sandbox/transactions?patient=") + kBob.ssin);
  EXPECT_EQ(list.status, 200) << list.body;
  EXPECT_FALSE(complete(list)) << list.body;  // no consent yet, and certainly no Sumehr
  const auto check = ehagentCli({"audit", "verify"});
  EXPECT_EQ(check.exitCode, 0) << check.out << check.err;
}

}  // namespace
}  // namespace ehagent::e2e
