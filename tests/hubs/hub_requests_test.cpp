#include "hubs/requests.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <regex>

#include "tests/hubs/hub_fixtures.hpp"
#include "tests/hubs/xpath.hpp"
#include "hubs/error.hpp"

namespace ehagent::hubs {
namespace {

// The tests build hub requests with tokens/ signers and XML.
using namespace ehagent::tokens;

using testing::aliceHeader;
using testing::XPathDoc;

std::string pointerOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const InvalidField& e) {
    EXPECT_EQ(e.code(), "invalid_input");
    return e.pointer();
  }
  return "<no error>";
}

TEST(HubRequests, ConsentHeaderAndPatient) {
  Consent c{testing::bobWithCard(), "2026-11-20"};
  XPathDoc x(buildPutPatientConsent(aliceHeader(), c));
  EXPECT_EQ(x.count("/hub:PutPatientConsentRequest"), 1u);
  EXPECT_TRUE(std::regex_match(x.value("/*/hub:request/core:id[@S='ID-KMEHR']"),
                               std::regex(R"(10012378004\.\d{13})")));
  EXPECT_EQ(x.value("/*/hub:request/core:author/k:hcparty/k:id[@S='ID-HCPARTY'][@SV='1.0']"),
            "10012378004");
  EXPECT_EQ(x.value("/*/hub:request/core:author/k:hcparty/k:id[@S='INSS']"), "78031215280");
  EXPECT_EQ(x.values("/*/hub:request/core:author/k:hcparty/k:cd[@S='CD-HCPARTY']"),
            (std::vector<std::string>{"persphysician", "application"}));
  EXPECT_EQ(x.value("/*/hub:request/core:author/k:hcparty/k:firstname"), "Alice");
  EXPECT_EQ(x.value("/*/hub:request/core:author/k:hcparty/k:familyname"), "SPECIMEN");
  EXPECT_EQ(x.count("/*/hub:request/core:author/k:hcparty/k:id[@S='LOCAL'][@SL='endusersoftwareinfo']"), 1u);
  EXPECT_TRUE(std::regex_match(x.value("/*/hub:request/core:date"), std::regex(R"(\d{4}-\d\d-\d\d)")));
  EXPECT_TRUE(std::regex_match(x.value("/*/hub:request/core:time"), std::regex(R"(\d\d:\d\d:\d\d)")));
  EXPECT_EQ(x.value("/*/hub:consent/core:patient/core:id[@S='INSS']"), "82110523358");
  EXPECT_EQ(x.value("/*/hub:consent/core:patient/core:id[@S='EID-CARDNO']"), "592123456789");
  EXPECT_EQ(x.value("/*/hub:consent/core:cd[@S='CD-CONSENTTYPE'][@SV='1.0']"), "retrospective");
  EXPECT_EQ(x.value("/*/hub:consent/core:signdate"), "2026-11-20");
  EXPECT_EQ(x.count("//core:revokedate"), 0u);
}

TEST(HubRequests, RevokeConsentCarriesRevokeDateAndIsiCard) {
  Consent c{{"15062034820", CardKind::Isi, "1234567890"}, "2026-11-21"};
  XPathDoc x(buildRevokePatientConsent(aliceHeader(), c));
  EXPECT_EQ(x.count("/hub:RevokePatientConsentRequest"), 1u);
  EXPECT_EQ(x.value("/*/hub:consent/core:patient/core:id[@S='ISI-CARDNO']"), "1234567890");
  EXPECT_EQ(x.value("/*/hub:consent/core:revokedate"), "2026-11-21");
  EXPECT_EQ(x.count("//core:signdate"), 0u);
}

TEST(HubRequests, TherapeuticLinkWithReadingProofAndDefaultEnd) {
  TherapeuticLink l;
  l.patient = testing::bobWithCard();
  l.startDate = "2026-01-31";
  l.proof = ProofKind::EidReading;
  XPathDoc x(buildPutTherapeuticLink(aliceHeader(), l));
  EXPECT_EQ(x.count("/hub:PutTherapeuticLinkRequest"), 1u);
  EXPECT_EQ(x.value("/*/hub:therapeuticlink/core:patient/core:id[@S='INSS']"), "82110523358");
  EXPECT_EQ(x.value("/*/hub:therapeuticlink/core:hcparty/core:id[@S='ID-HCPARTY']"), "10012378004");
  EXPECT_EQ(x.value("/*/hub:therapeuticlink/core:cd[@S='CD-THERAPEUTICLINKTYPE'][@SV='1.0']"),
            "gpconsultation");
  EXPECT_EQ(x.value("/*/hub:therapeuticlink/core:startdate"), "2026-01-31");
  EXPECT_EQ(x.value("/*/hub:therapeuticlink/core:enddate"), "2027-04-30");  // 15 months, clamped
  EXPECT_EQ(x.value("/*/hub:therapeuticlink/core:proof/core:cd[@S='CD-PROOFTYPE'][@SV='1.1']"),
            "eidreading");
  EXPECT_EQ(x.count("//core:binaryproof"), 0u);
}

TEST(HubRequests, SigningProofCarriesBinaryProof) {
  TherapeuticLink l;
  l.patient = testing::bobWithCard();
  l.startDate = "2026-11-20";
  l.endDate = "2027-11-20";
  l.proof = ProofKind::EidSigning;
  l.binaryProof = {0x30, 0x03, 0x02, 0x01, 0x01};
  XPathDoc x(buildPutTherapeuticLink(aliceHeader(), l));
  EXPECT_EQ(x.value("//core:proof/core:cd"), "eidsigning");
  EXPECT_EQ(x.value("//core:proof/core:binaryproof/*"), "MAMCAQE=");
  EXPECT_EQ(x.value("/*/hub:therapeuticlink/core:enddate"), "2027-11-20");
}

TEST(HubRequests, LinkContentIsTheBareElement) {
  TherapeuticLink l;
  l.patient = testing::bobWithCard();
  l.startDate = "2026-11-20";
  XPathDoc x(therapeuticLinkContent(aliceHeader(), l));
  EXPECT_EQ(x.count("/core:therapeuticlink/core:patient"), 1u);
  EXPECT_EQ(x.count("//core:proof"), 0u);
}

TEST(HubRequests, QueriesSelectThePatient) {
  XPathDoc list(buildGetTransactionList(aliceHeader(), {"15062034820", "", ""}));
  EXPECT_EQ(list.count("/hub:GetTransactionListRequest/hub:request"), 1u);
  EXPECT_EQ(list.value("/*/hub:select/core:patient/core:id[@S='INSS']"), "15062034820");
  EXPECT_EQ(list.value("/*/hub:select/core:transaction/core:cd[@S='CD-TRANSACTION']"), "sumehr");
  XPathDoc trail(buildGetPatientAuditTrail(aliceHeader(), {"15062034820", "2026-01-01", "2026-12-31"}));
  EXPECT_EQ(trail.count("/hub:GetPatientAuditTrailRequest/hub:select/core:patient"), 1u);
  EXPECT_EQ(trail.value("/*/hub:select/core:begindate"), "2026-01-01");
}

TEST(HubRequests, SoapActions) {
  EXPECT_EQ(soapAction(Operation::PutTherapeuticLink),
            "urn:be:fgov:ehealth:intrahub:protocol:v3:PutTherapeuticLink");
  EXPECT_EQ(operationFromSoapAction("\"urn:be:fgov:ehealth:intrahub:protocol:v3:GetPatientAuditTrail\""),
            Operation::GetPatientAuditTrail);
  EXPECT_FALSE(operationFromSoapAction("urn:be:fgov:ehealth:intrahub:protocol:v3:Nope"));
}

TEST(HubRequests, RefusalsNameTheField) {
  const auto h = aliceHeader();
  EXPECT_EQ(pointerOf([&] { buildPutPatientConsent(h, {{"78031215281"}, "2026-11-20"}); }), "/patient/ssin");
  EXPECT_EQ(pointerOf([&] { buildPutPatientConsent(h, {{"7803121528"}, "2026-11-20"}); }), "/patient/ssin");
  EXPECT_EQ(pointerOf([&] { buildPutPatientConsent(h, {{"78031215280"}, "2026-02-30"}); }), "/signdate");
  EXPECT_EQ(pointerOf([&] { buildRevokePatientConsent(h, {{"78031215280"}, "20.11.2026"}); }), "/revokedate");
  TherapeuticLink l;
  l.patient = testing::childPatient();
  l.startDate = "2026-11-20";
  l.endDate = "2026-11-19";
  EXPECT_EQ(pointerOf([&] { buildPutTherapeuticLink(h, l); }), "/end_date");
  l.endDate.clear();
  l.linkType = "friendship";
  EXPECT_EQ(pointerOf([&] { buildPutTherapeuticLink(h, l); }), "/type");
  l.linkType = "gpconsultation";
  l.proof = ProofKind::EidReading;
  EXPECT_EQ(pointerOf([&] { buildPutTherapeuticLink(h, l); }), "/proof");
  auto bad = h;
  bad.author.practitioner.nihii = "1001237800x";
  EXPECT_EQ(pointerOf([&] { buildGetTransactionList(bad, {"15062034820"}); }), "/practitioner/nihii");
  // Check digits that do not match the known rule are not a refusal (certs/identifiers.cpp).
  bad.author.practitioner.nihii = "10012379004";
  EXPECT_EQ(pointerOf([&] { buildGetTransactionList(bad, {"15062034820"}); }), "<no error>");
  EXPECT_EQ(pointerOf([&] { buildGetTransactionList(h, {"15062034821"}); }), "/patient");
}

TEST(HubRequests, TextIsEscaped) {
  auto h = aliceHeader();
  h.author.practitioner.familyName = "O'Brien <&> \"Specimen\"";
  XPathDoc x(buildGetTransactionList(h, {"15062034820"}));
  EXPECT_EQ(x.value("/*/hub:request/core:author/k:hcparty/k:familyname"), "O'Brien <&> \"Specimen\"");
}

}  // namespace
}  // namespace ehagent::hubs
