// The hardened parser and its callers against DTD tricks, entity expansion, external resources,
// XInclude and nesting depth. Every refusal must be a typed error, never a crash or a file read.
#include <gtest/gtest.h>

#include "attack_util.hpp"
#include "tests/tokens/test_keys.hpp"
#include "tokens/sts/assertion.hpp"
#include "tokens/sts/messages.hpp"
#include "tokens/xml/wssecurity.hpp"
#include "tokens/xml/document.hpp"

namespace ehagent::security {
namespace {

using tokens::testing::TempDir;
namespace xml = tokens::xml;

constexpr std::string_view kMarker = "SECRET-MARKER-7d1f";

class XmlParserAttack : public ::testing::Test {
 protected:
  void SetUp() override { tokens::testing::writeFile(dir_ / "secret.txt", kMarker); }
  std::string secretUri() const { return "file://" + (dir_ / "secret.txt").string(); }

  // Parses and returns the verdict; when parsing succeeded, the marker must not be in the tree.
  std::string parseVerdict(const std::string& text) {
    std::string serialized;
    const std::string v = verdict([&] { serialized = xml::Document::parse(text).serialize(); });
    EXPECT_EQ(serialized.find(kMarker), std::string::npos) << "a local file leaked into the document";
    return v;
  }

  TempDir dir_;
};

TEST_F(XmlParserAttack, ExternalEntityIsRefused) {
  const std::string text = "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM \"" + secretUri() +
                           "\">]><r>&x;</r>";
  EXPECT_EQ(parseVerdict(text), "invalid_input");
}

TEST_F(XmlParserAttack, ExternalParameterEntityIsRefused) {
  const std::string text = "<!DOCTYPE r [<!ENTITY % p SYSTEM \"" + secretUri() + "\"> %p;]><r/>";
  EXPECT_EQ(parseVerdict(text), "invalid_input");
}

TEST_F(XmlParserAttack, ExternalDtdOnlyDoctypeIsRefused) {
  // No internal subset at all: the DOCTYPE alone must still be refused (it could load a DTD).
  EXPECT_EQ(parseVerdict("<!DOCTYPE r SYSTEM \"" + secretUri() + "\"><r/>"), "invalid_input");
  EXPECT_EQ(parseVerdict("<!DOCTYPE r PUBLIC \"-//X//Y\" \"http://127.0.0.1:9/x.dtd\"><r/>"), "invalid_input");
}

TEST_F(XmlParserAttack, BillionLaughsIsRefused) {
  std::string text = "<!DOCTYPE r [<!ENTITY a0 \"lol\">";
  for (int i = 1; i <= 9; ++i) {
    text += "<!ENTITY a" + std::to_string(i) + " \"";
    for (int j = 0; j < 10; ++j) text += "&a" + std::to_string(i - 1) + ";";
    text += "\">";
  }
  text += "]><r>&a9;</r>";
  EXPECT_EQ(parseVerdict(text), "invalid_input");
}

TEST_F(XmlParserAttack, DtdDeclaringItsOwnIdAttributesIsRefused) {
  // An ATTLIST that makes "ref" an ID would let a document pick which element an ID names.
  EXPECT_EQ(parseVerdict("<!DOCTYPE r [<!ATTLIST e ref ID #IMPLIED>]><r><e ref=\"body\"/></r>"), "invalid_input");
}

TEST_F(XmlParserAttack, UndeclaredEntityReferenceIsRefused) {
  EXPECT_EQ(parseVerdict("<r>&xxe;</r>"), "invalid_input");
}

TEST_F(XmlParserAttack, XIncludeIsNotProcessed) {
  const std::string text = "<r xmlns:xi=\"http://www.w3.org/2001/XInclude\"><xi:include href=\"" + secretUri() +
                           "\" parse=\"text\"/></r>";
  EXPECT_EQ(parseVerdict(text), "ok");
}

TEST_F(XmlParserAttack, HugeDepthIsRefusedWithoutCrashing) {
  for (const int depth : {65, 300, 100000}) {
    std::string text;
    for (int i = 0; i < depth; ++i) text += "<a>";
    for (int i = 0; i < depth; ++i) text += "</a>";
    EXPECT_EQ(parseVerdict(text), "invalid_input") << "depth " << depth;
  }
}

TEST_F(XmlParserAttack, OversizeInputIsRefusedBeforeParsing) {
  const std::string text = "<r>" + std::string(5 * 1024 * 1024, 'x') + "</r>";
  EXPECT_EQ(parseVerdict(text), "invalid_input");
}

TEST_F(XmlParserAttack, CallersReportDoctypeAsTheirOwnError) {
  const std::string bomb = "<!DOCTYPE r [<!ENTITY x SYSTEM \"" + secretUri() + "\">]>";
  // The STS answer reader.
  EXPECT_EQ(verdict([&] {
              tokens::sts::parseAnswer(200, bomb + "<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/"
                                                   "envelope/\"><soapenv:Body>&x;</soapenv:Body></soapenv:Envelope>");
            }),
            "sts_bad_response");
  // The assertion verifier.
  tokens::SamlCheck check;
  check.now = std::chrono::system_clock::now();
  EXPECT_EQ(verdict([&] {
              tokens::verifySamlAssertion(bomb + "<saml:Assertion xmlns:saml=\"urn:oasis:names:tc:SAML:1.0:assertion\"/>",
                                          check);
            }),
            "sts_bad_response");
  // The WS-Security envelope verifier (the sandbox STS and hub use it on what clients send).
  EXPECT_EQ(verdict([&] { tokens::wss::verifyEnvelope(bomb + "<r>&x;</r>"); }), "invalid_input");
}

}  // namespace
}  // namespace ehagent::security
