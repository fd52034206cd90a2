// The hub API: mode=sign envelopes that xmlsec1 verifies, a CAdES proof that openssl cms verifies,
// and every refusal answered 400 before any key signs, audited as refused.
#include <gtest/gtest.h>

#include "tests/hubs/hub_routes_fixture.hpp"
#include "tests/hubs/shell.hpp"
#include "tests/hubs/sumehr_sample.hpp"
#include "tests/hubs/xpath.hpp"
#include "core/base64.hpp"

namespace ehagent::testing {
namespace {

using boost::beast::http::verb;

class HubRoutes : public HubRoutesFixture {
 protected:
  int xmlsecVerify(const std::string& envelope) {
    const auto file = dir_.path() / "envelope.xml";
    writeFile(file, envelope);
    return runShell("xmlsec1 --verify --pubkey-cert-pem " + q(pki_.aliceEhealth) +
                    " --id-attr:Id http://schemas.xmlsoap.org/soap/envelope/:Body"
                    " --id-attr:Id http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd:Timestamp"
                    " --node-xpath \"//*[local-name()='Signature' and parent::*[local-name()='Security']]\" " +
                    q(file))
        .exitCode;
  }

  // A refusal: 400 invalid_input naming `pointer`, no signature made, and a refused audit row.
  void expectRefused(const agent::Response& r, const std::string& pointer, const std::string& operation) {
    EXPECT_EQ(r.result_int(), 400) << r.body();
    const auto body = json(r);
    EXPECT_EQ(body.value("code", ""), "invalid_input") << r.body();
    EXPECT_EQ(body.value("pointer", body.contains("extra") ? body["extra"].value("pointer", "?") : "?"), pointer)
        << r.body();
    EXPECT_EQ(session_->ehealth.count, 0);
    EXPECT_EQ(session_->patientKey.count, 0);
    const auto rows = auditRows();
    ASSERT_FALSE(rows.empty());
    EXPECT_EQ(rows.back().entry.operation, operation);
    EXPECT_EQ(rows.back().entry.outcome, "refused");
    EXPECT_EQ(rows.back().entry.problem_code, "invalid_input");
    EXPECT_EQ(rows.back().entry.signed_sha256, "");
  }
};

TEST_F(HubRoutes, ConsentWithPatientCardSignsAVerifiableEnvelope) {
  const auto r = call(verb::post, "/v1/hubs/sandbox/consents?mode=sign", R"({"patient_card":"read"})");
  ASSERT_EQ(r.result_int(), 200) << r.body();
  const auto body = json(r);
  EXPECT_EQ(body["soap_action"], "urn:be:fgov:ehealth:intrahub:protocol:v3:PutPatientConsent");
  const std::string envelope = body["envelope"];
  EXPECT_EQ(xmlsecVerify(envelope), 0);
  XPathDoc x(envelope);
  EXPECT_EQ(x.value("//hub:consent/core:patient/core:id[@S='INSS']"), "82110523358");
  EXPECT_EQ(x.value("//hub:consent/core:patient/core:id[@S='EID-CARDNO']"), "592123456789");
  EXPECT_EQ(x.value("//hub:request/core:author/k:hcparty/k:name"), "TestEMR");
  const auto rows = auditRows();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].entry.operation, "hub.consent.put");
  EXPECT_EQ(rows[0].entry.patient_ssin, "82110523358");
  EXPECT_EQ(rows[0].entry.practitioner_ssin, "78031215280");
  EXPECT_EQ(rows[0].entry.signed_sha256, body["body_sha256"]);
  EXPECT_EQ(rows[0].entry.outcome, "ok");
}

TEST_F(HubRoutes, EidSigningProofIsACadesByThePatientKey) {
  const auto r = call(verb::post, "/v1/hubs/sandbox/therapeutic-links?mode=sign",
                      R"({"patient_card":"read","proof":"eidsigning","start_date":"2026-11-20"})");
  ASSERT_EQ(r.result_int(), 200) << r.body();
  EXPECT_EQ(session_->patientKey.count, 1);
  const std::string envelope = json(r)["envelope"];
  EXPECT_EQ(xmlsecVerify(envelope), 0);
  XPathDoc x(envelope);
  EXPECT_EQ(x.value("//core:proof/core:cd[@S='CD-PROOFTYPE']"), "eidsigning");
  const auto der = ehagent::base64Decode(x.value("//core:proof/core:binaryproof/*"));
  writeFile(dir_.path() / "proof.der", der);
  writeFile(dir_.path() / "chain.pem", readFile(pki_.root) + readFile(pki_.citizenCa));
  const auto v = runShell("openssl cms -verify -binary -inform DER -in " + q(dir_.path() / "proof.der") +
                          " -CAfile " + q(dir_.path() / "chain.pem") + " -purpose any -out " +
                          q(dir_.path() / "signed.xml"));
  ASSERT_EQ(v.exitCode, 0) << v.out;
  XPathDoc signedLink(readFile(dir_.path() / "signed.xml"));
  EXPECT_EQ(signedLink.value("/core:therapeuticlink/core:patient/core:id[@S='INSS']"), "82110523358");
}

TEST_F(HubRoutes, InvalidSsinIsRefusedBeforeSigning) {
  expectRefused(call(verb::post, "/v1/hubs/sandbox/consents?mode=sign", R"({"patient":"82110523359"})"),
                "/patient", "hub.consent.put");
}

TEST_F(HubRoutes, SumehrFromAnotherPractitionerIsRefused) {
  SumehrParts bob;
  bob.senderNihii = "10045636003";
  bob.senderSsin = "82110523358";
  expectRefused(call(verb::post, "/v1/hubs/sandbox/transactions?mode=sign", sumehrXml(bob), "application/xml"),
                "/kmehrmessage/header/sender/hcparty/id", "hub.transaction.put");
}

TEST_F(HubRoutes, DoctypeAndEntityBombAreRefused) {
  SumehrParts bomb;
  bomb.prolog = R"(<!DOCTYPE kmehrmessage [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>)";
  auto xml = sumehrXml(bomb);
  xml.erase(xml.find("<?xml"), xml.find("?>") + 2 - xml.find("<?xml"));  // the DOCTYPE leads now
  expectRefused(call(verb::post, "/v1/hubs/sandbox/transactions?mode=sign", xml, "application/xml"), "",
                "hub.transaction.put");
}

TEST_F(HubRoutes, TwentyMebibyteBodyIsRefused) {
  auto xml = sumehrXml();
  xml.insert(xml.find("</kmehrmessage>"), std::string(20 * 1024 * 1024, ' '));
  expectRefused(call(verb::post, "/v1/hubs/sandbox/transactions?mode=sign", xml, "application/xml"), "",
                "hub.transaction.put");
}

TEST_F(HubRoutes, SumehrWithoutPatientIsRefused) {
  SumehrParts none;
  none.withPatient = false;
  expectRefused(call(verb::post, "/v1/hubs/sandbox/transactions?mode=sign", sumehrXml(none), "application/xml"),
                "/kmehrmessage/folder/patient", "hub.transaction.put");
}

TEST_F(HubRoutes, BadDatesAndModesAreRefused) {
  expectRefused(call(verb::post, "/v1/hubs/sandbox/therapeutic-links?mode=sign",
                     R"({"patient":"15062034820","start_date":"2026-11-20","end_date":"2026-11-01"})"),
                "/end_date", "hub.link.put");
  expectRefused(call(verb::post, "/v1/hubs/sandbox/consents?mode=later", R"({"patient":"15062034820"})"), "/mode",
                "hub.consent.put");
  expectRefused(call(verb::get, "/v1/hubs/sandbox/transactions?mode=sign"), "/patient", "hub.transactions.list");
}

TEST_F(HubRoutes, UnknownHubIsNotFoundInSubmitMode) {
  const auto r = call(verb::get, "/v1/hubs/nowhere/transactions?patient=15062034820");
  EXPECT_EQ(r.result_int(), 404) << r.body();
  EXPECT_EQ(session_->ehealth.count, 0);
}

}  // namespace
}  // namespace ehagent::testing
