// The two WS-Security envelope shapes of PROTOCOLS.md, checked by xmlsec1 and by our verifier,
// and the attacks both must refuse.
#include <gtest/gtest.h>

#include "test_keys.hpp"
#include "core/base64.hpp"
#include "tokens/error.hpp"
#include "tokens/xml/wssecurity.hpp"

namespace ehagent::tokens {
namespace {

using testing::quote;
using testing::runShell;
using testing::TempDir;
using testing::TestKey;

constexpr const char* kSoapIds =
    " --id-attr:Id http://schemas.xmlsoap.org/soap/envelope/:Body"
    " --id-attr:Id http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd:Timestamp"
    " --id-attr:Id http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd:BinarySecurityToken"
    " --id-attr:AssertionID urn:oasis:names:tc:SAML:1.0:assertion:Assertion";
constexpr const char* kEnvelopeSignature = " --node-xpath \"//*[local-name()='Security']/*[local-name()='Signature']\"";
constexpr const char* kBody = "<m:Request xmlns:m=\"urn:test:m\" Context=\"c1\"><m:Amount>10</m:Amount></m:Request>";

struct AlgCase {
  const char* name;
  const char* keyspec;
  SignatureAlgorithm alg;
};

class WsSecurityTest : public ::testing::TestWithParam<AlgCase> {
 protected:
  void SetUp() override {
    ca_ = std::make_unique<TestKey>(testing::makeKey(dir_, "ca", "rsa:2048"));
    leaf_ = std::make_unique<TestKey>(testing::makeKey(dir_, "leaf", GetParam().keyspec, ca_.get()));
    attacker_ = std::make_unique<TestKey>(testing::makeKey(dir_, "attacker", GetParam().keyspec));
  }
  bool xmlsecSupports() const { return GetParam().alg != SignatureAlgorithm::RsaPssSha256; }

  std::string stsEnvelope(TestKey& key, std::string body = kBody) {
    wss::EnvelopeOptions options;
    options.body_xml = std::move(body);
    options.binary_security_token = true;
    options.algorithm = GetParam().alg;
    return wss::buildEnvelope(options, *key.signer);
  }

  // xmlsec1 checks with the expected signer's key only (it does not read wsse:SecurityTokenReference).
  bool xmlsecAccepts(const std::string& envelope, const std::string& cert_pem) {
    testing::writeFile(dir_ / "env.xml", envelope);
    std::string out;
    const int rc = runShell("xmlsec1 --verify --pubkey-cert-pem " + quote(cert_pem) + kSoapIds + kEnvelopeSignature + " " +
                           quote(dir_ / "env.xml"),
                       &out);
    return rc == 0;
  }

  std::string ours(const std::string& envelope) {
    try {
      wss::VerifyEnvelopeOptions options;
      options.signature.trusted = {ca_->cert};
      const auto verified = wss::verifyEnvelope(envelope, options);
      if (!verified.bst || !verified.signature.covers(*verified.bst)) return "bst not signed";
      if (verified.body.children().front().child("urn:test:m", "Amount")->text() != "10") return "wrong body";
      return "ok";
    } catch (const Error& e) {
      return e.code();
    }
  }

  TempDir dir_;
  std::unique_ptr<TestKey> ca_, leaf_, attacker_;
};

TEST_P(WsSecurityTest, StsRequestShapeVerifies) {
  const std::string envelope = stsEnvelope(*leaf_);
  EXPECT_NE(envelope.find("mustUnderstand=\"1\""), std::string::npos);
  EXPECT_NE(envelope.find("BinarySecurityToken"), std::string::npos);
  if (xmlsecSupports()) EXPECT_TRUE(xmlsecAccepts(envelope, leaf_->cert_pem_path)) << envelope;
  EXPECT_EQ(ours(envelope), "ok");
}

TEST_P(WsSecurityTest, BodyChangedAfterSigningIsRejected) {
  std::string envelope = stsEnvelope(*leaf_);
  envelope.replace(envelope.find(">10<"), 4, ">99<");
  if (xmlsecSupports()) EXPECT_FALSE(xmlsecAccepts(envelope, leaf_->cert_pem_path));
  EXPECT_EQ(ours(envelope), "signature_invalid");
}

TEST_P(WsSecurityTest, WrappedBodyWithTheSameIdIsRejected) {
  // The signed Body goes into a header wrapper; a forged Body carrying the same wsu:Id replaces it.
  const std::string envelope = stsEnvelope(*leaf_);
  const auto body_start = envelope.find("<soapenv:Body");
  const auto body_end = envelope.find("</soapenv:Body>") + 15;
  const std::string signed_body = envelope.substr(body_start, body_end - body_start);
  std::string forged_body = signed_body;
  forged_body.replace(forged_body.find(">10<"), 4, ">99<");
  std::string forged = envelope.substr(0, body_start) + forged_body + envelope.substr(body_end);
  forged.insert(forged.find("</wsse:Security>"), "<Wrapper xmlns=\"urn:evil\">" + signed_body + "</Wrapper>");
  if (xmlsecSupports()) EXPECT_FALSE(xmlsecAccepts(forged, leaf_->cert_pem_path));
  EXPECT_EQ(ours(forged), "duplicate_id");
}

TEST_P(WsSecurityTest, SignedBodyMovedAwayIsRejected) {
  // The signed Body keeps its ID in a wrapper; the real Body is new and unsigned. The signature
  // itself is still valid (xmlsec1 accepts it), so only the "covers the real Body" check stops it.
  const std::string envelope = stsEnvelope(*leaf_);
  const auto body_start = envelope.find("<soapenv:Body");
  const auto body_end = envelope.find("</soapenv:Body>") + 15;
  const std::string signed_body = envelope.substr(body_start, body_end - body_start);
  std::string forged = envelope.substr(0, body_start) +
                       "<soapenv:Body><m:Request xmlns:m=\"urn:test:m\"><m:Amount>99</m:Amount></m:Request></soapenv:Body>" +
                       envelope.substr(body_end);
  forged.insert(forged.find("</wsse:Security>"), "<Wrapper xmlns=\"urn:evil\">" + signed_body + "</Wrapper>");
  EXPECT_EQ(ours(forged), "signature_invalid");
}

TEST_P(WsSecurityTest, ResignedByUntrustedKeyIsRejected) {
  const std::string forged = stsEnvelope(*attacker_);
  if (xmlsecSupports()) EXPECT_FALSE(xmlsecAccepts(forged, leaf_->cert_pem_path));
  EXPECT_EQ(ours(forged), "signature_untrusted");
}

TEST_P(WsSecurityTest, ExpiredTimestampIsRejected) {
  wss::EnvelopeOptions options;
  options.body_xml = kBody;
  options.binary_security_token = true;
  options.now = ehagent::Clock::now() - std::chrono::hours(2);
  const std::string envelope = wss::buildEnvelope(options, *leaf_->signer);
  EXPECT_EQ(ours(envelope), "timestamp_expired");
}

INSTANTIATE_TEST_SUITE_P(Algorithms, WsSecurityTest,
                         ::testing::Values(AlgCase{"RsaSha256", "rsa:2048", SignatureAlgorithm::RsaSha256},
                                           AlgCase{"RsaPss", "rsa:2048", SignatureAlgorithm::RsaPssSha256},
                                           AlgCase{"EcP256", "ec:P-256", SignatureAlgorithm::EcdsaSha256},
                                           AlgCase{"EcP384", "ec:P-384", SignatureAlgorithm::EcdsaSha384}),
                         [](const auto& info) { return std::string(info.param.name); });

// A SAML 1.1 assertion as an STS would sign it, with the holder-of-key certificate inside.
std::string signedAssertion(const TestKey& sts, const TestKey& holder) {
  const std::string text =
      "<saml:Assertion xmlns:saml=\"urn:oasis:names:tc:SAML:1.0:assertion\" AssertionID=\"_a1b2\" "
      "Issuer=\"urn:be:fgov:ehealth:sts:1_0\" MajorVersion=\"1\" MinorVersion=\"1\" IssueInstant=\"2024-01-01T00:00:00Z\">"
      "\n  <saml:Conditions NotBefore=\"2024-01-01T00:00:00Z\" NotOnOrAfter=\"2099-01-01T00:00:00Z\"/>"
      "\n  <saml:AuthenticationStatement AuthenticationInstant=\"2024-01-01T00:00:00Z\" "
      "AuthenticationMethod=\"urn:oasis:names:tc:SAML:1.0:am:X509-PKI\"><saml:Subject>"
      "<saml:NameIdentifier>SSIN=78031215280</saml:NameIdentifier><saml:SubjectConfirmation>"
      "<saml:ConfirmationMethod>urn:oasis:names:tc:SAML:1.0:cm:holder-of-key</saml:ConfirmationMethod>"
      "<ds:KeyInfo xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"><ds:X509Data><ds:X509Certificate>" +
      base64Encode(holder.cert.der()) +
      "</ds:X509Certificate></ds:X509Data></ds:KeyInfo></saml:SubjectConfirmation></saml:Subject>"
      "</saml:AuthenticationStatement>\n</saml:Assertion>";
  xml::Document doc = xml::Document::parse(text);
  xmldsig::SignOptions options;
  options.reference_ids = {"_a1b2"};
  xmldsig::sign(doc, doc.root(), options, *sts.signer);
  return doc.serialize(false);
}

TEST(WsSecurityHub, AssertionIsCopiedByteForByteAndBothSignaturesVerify) {
  TempDir dir;
  auto ca = testing::makeKey(dir, "ca", "rsa:2048");
  auto sts = testing::makeKey(dir, "sts", "rsa:2048", &ca);
  auto holder = testing::makeKey(dir, "ehealth", "rsa:2048", &ca);
  const std::string assertion = signedAssertion(sts, holder);

  wss::EnvelopeOptions options;
  options.body_xml = kBody;
  options.saml_assertion = assertion;
  const std::string envelope = wss::buildEnvelope(options, *holder.signer);
  ASSERT_NE(envelope.find(assertion), std::string::npos) << "assertion not copied byte for byte";
  EXPECT_EQ(envelope.find("BinarySecurityToken"), std::string::npos);
  EXPECT_LT(envelope.find("Timestamp"), envelope.find("saml:Assertion"));
  EXPECT_LT(envelope.find("saml:Assertion"), envelope.find("</saml:Assertion><ds:Signature"));

  const std::string file = dir / "hub.xml";
  testing::writeFile(file, envelope);
  std::string out;
  EXPECT_EQ(runShell("xmlsec1 --verify --trusted-pem " + quote(ca.cert_pem_path) + kSoapIds +
                    " --node-xpath \"//*[local-name()='Assertion']/*[local-name()='Signature']\" " + quote(file),
                &out),
            0)
      << out;
  EXPECT_EQ(runShell("xmlsec1 --verify --pubkey-cert-pem " + quote(holder.cert_pem_path) + kSoapIds + kEnvelopeSignature +
                    " " + quote(file),
                &out),
            0)
      << out;

  // Ours: the assertion against the STS, then the envelope with the key KeyInfo names (the
  // holder-of-key certificate inside the assertion).
  wss::VerifyEnvelopeOptions verify;
  const auto verified = wss::verifyEnvelope(envelope, verify);
  EXPECT_TRUE(verified.signature.certificate == holder.cert);
  const auto header = verified.document.root().child(wss::kSoap11Ns, "Header");
  const auto saml = header->child(xmldsig::kWsseNs, "Security")->child(xmldsig::kSaml1Ns, "Assertion");
  ASSERT_TRUE(saml.has_value());
  const auto assertion_ok = xmldsig::verifyEnveloped(verified.document, *saml, {.certificate = {}, .trusted = {ca.cert}});
  EXPECT_TRUE(assertion_ok.certificate == sts.cert);
}

TEST(WsSecurityHub, RefusesSomethingElseAsAssertion) {
  TempDir dir;
  auto key = testing::makeKey(dir, "k", "ec:P-256");
  wss::EnvelopeOptions options;
  options.body_xml = kBody;
  options.saml_assertion = "<x:NotAnAssertion xmlns:x=\"urn:x\"/>";
  try {
    wss::buildEnvelope(options, *key.signer);
    FAIL() << "accepted a non-assertion";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), "invalid_input");
  }
  options.saml_assertion.reset();
  options.body_xml = "<!DOCTYPE x><x/>";
  try {
    wss::buildEnvelope(options, *key.signer);
    FAIL() << "accepted a DOCTYPE body";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), "invalid_input");
  }
}

TEST(WsSecurityHub, RefusesABodyThatIsNotOneSelfContainedElement) {
  // The body is spliced into the envelope as text and checked in the envelope's one parse: each
  // of these parses there, and none is one element that would parse on its own.
  TempDir dir;
  auto key = testing::makeKey(dir, "k", "ec:P-256");
  std::vector<std::string> bodies = {
      "<x:a xmlns:x=\"urn:x\"/></soapenv:Body><soapenv:Body wsu:Id=\"other\"><x:b xmlns:x=\"urn:x\"/>",
      "<x:a xmlns:x=\"urn:x\"/><x:b xmlns:x=\"urn:x\"/>",
      "text<x:a xmlns:x=\"urn:x\"/>",
      "<x:a xmlns:x=\"urn:x\" wsu:Id=\"borrowed\"/>",
      "<soapenv:Fault/>",
      "",
  };
  std::string deep;  // one level deeper than a document of its own may nest
  for (int i = 0; i < 65; ++i) deep = "<d>" + deep + "</d>";
  bodies.push_back(deep);
  for (const std::string& body : bodies) {
    wss::EnvelopeOptions options;
    options.body_xml = body;
    try {
      wss::buildEnvelope(options, *key.signer);
      ADD_FAILURE() << "accepted the body " << body;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), "invalid_input") << body;
    }
  }
}

}  // namespace
}  // namespace ehagent::tokens
