// Independent checks with xmlsec1: the client's STS request and challenge answer, and the
// sandbox's assertion. xmlsec1 and our own verifier must both refuse the tampered variants.
#include "tests/sts/sts_fixture.hpp"

#include "tokens/sts/assertion.hpp"
#include "tokens/sts/messages.hpp"
#include "tokens/xml/wssecurity.hpp"

namespace ehagent::sts_testing {
namespace {

constexpr const char* kIds =
    " --id-attr:Id http://schemas.xmlsoap.org/soap/envelope/:Body"
    " --id-attr:Id http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd:Timestamp"
    " --id-attr:Id http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd:BinarySecurityToken"
    " --id-attr:AssertionID urn:oasis:names:tc:SAML:1.0:assertion:Assertion";
constexpr const char* kHeaderSignature = " --node-xpath \"//*[local-name()='Security']/*[local-name()='Signature']\"";

class StsXmlsecTest : public StsFixture {
 protected:
  bool xmlsecAccepts(const std::string& xml, const std::string& key_option, const std::string& extra = "") {
    const auto file = dir_.path() / "check.xml";
    writeFile(file, xml);
    std::string out;
    const int rc = runShell("xmlsec1 --verify " + key_option + kIds + extra + " '" + file.string() + "'", &out);
    last_output_ = out;
    return rc == 0;
  }
  std::string pubkey(const std::string& name) { return "--pubkey-cert-pem '" + pki_.pem(name).string() + "'"; }
  std::string trusted(const std::filesystem::path& ca) { return "--trusted-pem '" + ca.string() + "'"; }

  // An assertion the sandbox issued for Alice, as the client stored it.
  tokens::SamlToken aliceToken() {
    tokens::StsClient client(config());
    auto ehealth = signer("alice_ehealth");
    return client.issue(kAlice, nullptr, ehealth);
  }

  tokens::SamlCheck check() {
    tokens::SamlCheck c;
    c.sts_trust = config().sts_trust;
    c.expected_ssin = kAlice.ssin;
    c.now = std::chrono::system_clock::now();
    return c;
  }

  std::string last_output_;
};

TEST_F(StsXmlsecTest, XmlsecVerifiesTheRequestAndTheChallengeAnswer) {
  tokens::StsClient client(config());
  for (const char* who : {"alice", "bob"}) {
    auto eid = signer(std::string(who) + "_auth");
    auto ehealth = signer(std::string(who) + "_ehealth");
    client.issue(who == std::string("alice") ? kAlice : kBob, &eid, ehealth);
  }
  const auto sent = requests();
  ASSERT_EQ(sent.size(), 4u);
  EXPECT_TRUE(xmlsecAccepts(sent[0], pubkey("alice_auth"), kHeaderSignature)) << last_output_;
  EXPECT_TRUE(xmlsecAccepts(sent[1], pubkey("alice_ehealth"), kHeaderSignature)) << last_output_;
  EXPECT_TRUE(xmlsecAccepts(sent[2], pubkey("bob_auth"), kHeaderSignature)) << last_output_;
  EXPECT_TRUE(xmlsecAccepts(sent[3], pubkey("bob_ehealth"), kHeaderSignature)) << last_output_;
  // The request names the right things (PROTOCOLS.md).
  for (const char* needle : {"Context=\"", "oasis-wss-saml-token-profile-1.1#SAMLV1.1", "ws-trust/200512/Issue",
                             "authorization/200706/authclaims", "wstrust/200512/PublicKey",
                             "urn:be:fgov:ehealth:1.0:certificateholder:person:ssin\"><auth:Value>78031215280"}) {
    EXPECT_NE(sent[0].find(needle), std::string::npos) << needle;
  }
  // Signed by the eID key, not by the eHealth key.
  EXPECT_FALSE(xmlsecAccepts(sent[0], pubkey("alice_ehealth"), kHeaderSignature));
}

TEST_F(StsXmlsecTest, XmlsecAndOurVerifierRefuseARequestChangedAfterSigning) {
  tokens::StsClient client(config());
  auto eid = signer("alice_auth");
  auto ehealth = signer("alice_ehealth");
  client.issue(kAlice, &eid, ehealth);
  std::string changed = requests().front();
  const auto at = changed.find("<auth:Value>78031215280");
  ASSERT_NE(at, std::string::npos);
  changed.replace(at + 12, 11, "82110523358");
  EXPECT_FALSE(xmlsecAccepts(changed, pubkey("alice_auth"), kHeaderSignature));
  tokens::wss::VerifyEnvelopeOptions options;
  options.signature.trusted = {cert("root"), cert("citizen")};
  EXPECT_THROW(tokens::wss::verifyEnvelope(changed, options), tokens::Error);
}

TEST_F(StsXmlsecTest, XmlsecVerifiesTheSandboxAssertionAgainstTheStsCa) {
  const auto token = aliceToken();
  EXPECT_TRUE(xmlsecAccepts(token.xml, trusted(sandbox_pki_.ca_cert))) << last_output_;
  EXPECT_TRUE(xmlsecAccepts(token.xml, "--pubkey-cert-pem '" + sandbox_pki_.sts_cert.string() + "'")) << last_output_;
}

TEST_F(StsXmlsecTest, BothRefuseAnAssertionWithAChangedAttribute) {
  std::string xml = aliceToken().xml;
  const auto at = xml.find("10012378004");
  ASSERT_NE(at, std::string::npos);
  xml.replace(at, 11, "10045636003");
  EXPECT_FALSE(xmlsecAccepts(xml, trusted(sandbox_pki_.ca_cert)));
  EXPECT_EQ(codeOf([&] { tokens::verifySamlAssertion(xml, check()); }), "sts_bad_signature");
}

TEST_F(StsXmlsecTest, BothRefuseAWrappedAssertion) {
  // The signed assertion is moved into an extension of a forged one that claims another NIHII:
  // the signature still verifies over the original, but it no longer covers the root.
  const std::string original = aliceToken().xml;
  std::string forged = original;
  const auto id_at = forged.find("AssertionID=\"");
  forged.replace(id_at, 13, "AssertionID=\"forged-");
  const auto nihii = forged.find("10012378004");
  forged.replace(nihii, 11, "10045636003");
  // Drop the forged copy's own signature, then put the original inside it.
  const auto sig_start = forged.find("<ds:Signature");
  const auto sig_end = forged.find("</ds:Signature>") + 15;
  forged.replace(sig_start, sig_end - sig_start, "<saml:Advice>" + original + "</saml:Advice>");
  EXPECT_FALSE(xmlsecAccepts(forged, trusted(sandbox_pki_.ca_cert),
                             " --node-xpath \"/*[local-name()='Assertion']/*[local-name()='Signature']\""));
  EXPECT_EQ(codeOf([&] { tokens::verifySamlAssertion(forged, check()); }), "sts_bad_signature");
}

TEST_F(StsXmlsecTest, BothRefuseAnAssertionResignedByAnUntrustedKey) {
  // Re-sign Alice's assertion with the eHealth CA key, a key the STS trust does not name.
  const auto token = aliceToken();
  auto doc = tokens::xml::Document::parse(token.xml);
  auto signature = doc.root().child(tokens::xmldsig::kDsigNs, "Signature");
  ASSERT_TRUE(signature);
  std::string xml = token.xml;
  const auto sig_start = xml.find("<ds:Signature");
  const auto sig_end = xml.find("</ds:Signature>") + 15;
  xml.erase(sig_start, sig_end - sig_start);
  auto unsigned_doc = tokens::xml::Document::parse(xml);
  auto rogue = signer("ehealth_ca");
  tokens::xmldsig::SignOptions options;
  options.reference_ids = {token.assertion_id};
  tokens::xmldsig::sign(unsigned_doc, unsigned_doc.root(), options, rogue);
  const std::string resigned = unsigned_doc.serialize(false);
  EXPECT_TRUE(xmlsecAccepts(resigned, pubkey("ehealth_ca"))) << "the re-signed assertion itself is sound: " << last_output_;
  EXPECT_FALSE(xmlsecAccepts(resigned, trusted(sandbox_pki_.ca_cert)));
  EXPECT_EQ(codeOf([&] { tokens::verifySamlAssertion(resigned, check()); }), "sts_bad_signature");
}

}  // namespace
}  // namespace ehagent::sts_testing
