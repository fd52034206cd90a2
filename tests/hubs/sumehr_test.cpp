#include "hubs/sumehr.hpp"

#include <gtest/gtest.h>

#include <functional>

#include "tests/hubs/hub_fixtures.hpp"
#include "tests/hubs/sumehr_sample.hpp"
#include "tests/hubs/xpath.hpp"
#include "hubs/error.hpp"

namespace ehagent::hubs {
namespace {

// The tests build hub requests with tokens/ signers and XML.
using namespace ehagent::tokens;

using testing::SumehrParts;
using testing::sumehrXml;

const Practitioner& alice() {
  static const Practitioner p = testing::aliceHeader().author.practitioner;
  return p;
}

std::string refusal(const std::string& xml) {
  try {
    validateSumehr(xml, alice());
  } catch (const InvalidField& e) {
    EXPECT_EQ(e.code(), "invalid_input");
    return e.pointer();
  }
  return "<accepted>";
}

TEST(Sumehr, AcceptsAliceSumehrAndWrapsIt) {
  auto v = validateSumehr(sumehrXml(), alice());
  EXPECT_EQ(v.patientSsin, "15062034820");
  testing::XPathDoc x(buildPutTransaction(testing::aliceHeader(), v));
  EXPECT_EQ(x.count("/hub:PutTransactionRequest/hub:request/core:id[@S='ID-KMEHR']"), 1u);
  EXPECT_EQ(x.value("/hub:PutTransactionRequest/k:kmehrmessage/k:folder/k:patient/k:id[@S='ID-PATIENT']"),
            "15062034820");
  EXPECT_EQ(x.value("//k:kmehrmessage/k:folder/k:transaction/k:heading/k:item/k:cd"), "allergy");
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return at == std::string::npos ? text : text.replace(at, from.size(), to);
}

TEST(Sumehr, WrapsUtf8AsSentAndCopiesTheTreeOtherwise) {
  // UTF-8 with only the declaration around it: the kmehrmessage goes in as the client wrote it.
  const std::string utf8 = replaced(sumehrXml(), "<firstname>Chloe<", "<firstname>Chlo\xC3\xA9<");
  const auto v = validateSumehr(utf8, alice());
  ASSERT_FALSE(v.verbatim.empty());
  EXPECT_TRUE(v.verbatim.starts_with("<kmehrmessage ") && v.verbatim.ends_with("</kmehrmessage>"));
  const std::string body = buildPutTransaction(testing::aliceHeader(), v);
  EXPECT_NE(body.find(v.verbatim), std::string::npos);
  EXPECT_EQ(testing::XPathDoc(body).value("//k:kmehrmessage/k:folder/k:patient/k:firstname"), "Chlo\xC3\xA9");

  // ISO-8859-1 would need re-encoding, and a comment after the element would travel with the
  // text: both take the tree copy, which gives the same content.
  const std::string latin = replaced(replaced(sumehrXml(), "encoding=\"UTF-8\"", "encoding=\"ISO-8859-1\""),
                                     "<firstname>Chloe<", "<firstname>Chlo\xE9<");
  const std::string commented = utf8 + "<!-- kept out -->\n";
  for (const std::string& text : {latin, commented}) {
    const auto copied = validateSumehr(text, alice());
    EXPECT_TRUE(copied.verbatim.empty());
    const std::string out = buildPutTransaction(testing::aliceHeader(), copied);
    EXPECT_EQ(testing::XPathDoc(out).value("//k:kmehrmessage/k:folder/k:patient/k:firstname"), "Chlo\xC3\xA9");
    EXPECT_EQ(out.find("kept out"), std::string::npos);
  }
}

TEST(Sumehr, AcceptsAnEightDigitSenderNihii) {
  SumehrParts p;
  p.senderNihii = "10012378";
  EXPECT_EQ(refusal(sumehrXml(p)), "<accepted>");
}

TEST(Sumehr, RefusesAnotherPractitionerAsSender) {
  SumehrParts bob;
  bob.senderNihii = "10045636003";
  bob.senderSsin = "82110523358";
  EXPECT_EQ(refusal(sumehrXml(bob)), "/kmehrmessage/header/sender/hcparty/id");
  SumehrParts ssinOnly;
  ssinOnly.senderSsin = "82110523358";
  EXPECT_EQ(refusal(sumehrXml(ssinOnly)), "/kmehrmessage/header/sender/hcparty/id");
}

TEST(Sumehr, RefusesMissingOrInvalidPatient) {
  SumehrParts none;
  none.withPatient = false;
  EXPECT_EQ(refusal(sumehrXml(none)), "/kmehrmessage/folder/patient");
  SumehrParts bad;
  bad.patientSsin = "15062034821";
  EXPECT_EQ(refusal(sumehrXml(bad)), "/kmehrmessage/folder/patient/id");
}

TEST(Sumehr, RefusesOtherTransactionsAndNamespaces) {
  SumehrParts lab;
  lab.transactionType = "labresult";
  EXPECT_EQ(refusal(sumehrXml(lab)), "/kmehrmessage/folder/transaction/cd");
  SumehrParts ns;
  ns.ns = "urn:example:not-kmehr";
  EXPECT_EQ(refusal(sumehrXml(ns)), "/kmehrmessage");
}

TEST(Sumehr, RefusesDoctypeEntityBombAndMalformed) {
  const std::string bomb = R"(<?xml version="1.0"?>
<!DOCTYPE kmehrmessage [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>
<kmehrmessage xmlns="http://www.ehealth.fgov.be/standards/kmehr/schema/v1"><header>&c;</header></kmehrmessage>)";
  EXPECT_EQ(refusal(bomb), "");
  const std::string external = R"(<?xml version="1.0"?><!DOCTYPE x SYSTEM "file:///etc/passwd"><x/>)";
  EXPECT_EQ(refusal(external), "");
  EXPECT_EQ(refusal("<kmehrmessage><header></kmehrmessage>"), "");
  EXPECT_EQ(refusal(""), "");
}

TEST(Sumehr, RefusesOversizedAndTooDeep) {
  std::string big = sumehrXml();
  big.insert(big.find("</kmehrmessage>"), std::string(5 * 1024 * 1024, ' '));
  EXPECT_EQ(refusal(big), "");
  std::string deep;
  for (int i = 0; i < 200; ++i) deep += "<a>";
  for (int i = 0; i < 200; ++i) deep += "</a>";
  EXPECT_EQ(refusal(deep), "");
}

}  // namespace
}  // namespace ehagent::hubs
