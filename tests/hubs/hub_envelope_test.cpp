// The signed hub envelope (mode=sign) checked by xmlsec1 against the eHealth test certificate.
#include <gtest/gtest.h>

#include "tests/certs/test_pki.hpp"
#include "tests/hubs/hub_fixtures.hpp"
#include "tests/hubs/saml_sample.hpp"
#include "tests/hubs/shell.hpp"
#include "tests/hubs/xpath.hpp"
#include "tokens/sign/crypto.hpp"
#include "hubs/client.hpp"
#include "hubs/requests.hpp"
#include "tokens/sign/openssl_signer.hpp"

namespace ehagent::hubs {
namespace {

// The tests build hub requests with tokens/ signers and XML.
using namespace ehagent::tokens;

using testing::q;
using testing::runShell;

class HubEnvelope : public ::testing::Test {
 protected:
  void SetUp() override {
    pki_ = certs::testing::makeTestPki(dir_.path());
    stsPem_ = certs::testing::issueExtra(pki_, "sts", "/C=BE/O=Federal Government/CN=Sandbox STS",
                                         "keyUsage = digitalSignature");
  }

  OpenSslSigner ehealthSigner() {
    return OpenSslSigner::fromPemFile(pki_.aliceEhealthKey, certs::Certificate::loadFile(pki_.aliceEhealth));
  }
  OpenSslSigner stsSigner() {
    return OpenSslSigner::fromPemFile(dir_.path() / "sts.key", certs::Certificate::loadFile(stsPem_));
  }

  // xmlsec1 verifies the WS-Security signature (not the assertion's own) with the given certificate.
  testing::Run xmlsec(const std::string& envelope, const std::filesystem::path& cert) {
    const auto file = dir_.path() / "envelope.xml";
    testing::writeFile(file, envelope);
    return runShell(
        "xmlsec1 --verify --pubkey-cert-pem " + q(cert) +
        " --id-attr:Id http://schemas.xmlsoap.org/soap/envelope/:Body"
        " --id-attr:Id http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd:Timestamp"
        " --node-xpath \"//*[local-name()='Signature' and parent::*[local-name()='Security']]\" " +
        q(file));
  }

  certs::testing::TempDir dir_;
  certs::testing::TestPki pki_;
  std::filesystem::path stsPem_;
};

TEST_F(HubEnvelope, ConsentEnvelopeVerifiesWithXmlsec1AndCarriesTheAssertion) {
  auto sts = stsSigner();
  auto ehealth = ehealthSigner();
  const auto assertion = testing::samlAssertion(ehealth.certificate(), sts);
  const auto body = buildPutPatientConsent(testing::aliceHeader(), {testing::bobWithCard(), "2026-11-20"});
  const auto signed_ = signHubRequest(Operation::PutPatientConsent, body, assertion, ehealth);
  EXPECT_EQ(signed_.soapAction, "urn:be:fgov:ehealth:intrahub:protocol:v3:PutPatientConsent");

  const auto ok = xmlsec(signed_.envelope, pki_.aliceEhealth);
  EXPECT_EQ(ok.exitCode, 0) << ok.out;
  EXPECT_NE(ok.out.find("OK"), std::string::npos) << ok.out;
  // Another key's certificate must not verify it: the check can fail.
  EXPECT_NE(xmlsec(signed_.envelope, stsPem_).exitCode, 0);

  testing::XPathDoc x(signed_.envelope);
  EXPECT_EQ(x.count("/soap:Envelope/soap:Header/wsse:Security/wsu:Timestamp"), 1u);
  EXPECT_EQ(x.count("/soap:Envelope/soap:Header/wsse:Security/saml:Assertion"), 1u);
  EXPECT_EQ(x.count("/soap:Envelope/soap:Header/wsse:Security/wsse:BinarySecurityToken"), 0u);
  EXPECT_EQ(x.value("//ds:KeyInfo/wsse:SecurityTokenReference/wsse:KeyIdentifier"),
            x.value("//saml:Assertion/@AssertionID"));
  EXPECT_EQ(x.count("/soap:Envelope/soap:Body/hub:PutPatientConsentRequest"), 1u);
  // The assertion is byte for byte what the STS issued.
  EXPECT_NE(signed_.envelope.find(assertion), std::string::npos);
  EXPECT_EQ(signed_.bodySha256Hex.size(), 64u);
}

TEST_F(HubEnvelope, ChangedBodyFailsXmlsec1) {
  auto sts = stsSigner();
  auto ehealth = ehealthSigner();
  const auto assertion = testing::samlAssertion(ehealth.certificate(), sts);
  const auto body = buildGetTransactionList(testing::aliceHeader(), {"15062034820"});
  auto signed_ = signHubRequest(Operation::GetTransactionList, body, assertion, ehealth);
  const auto at = signed_.envelope.find("15062034820");
  ASSERT_NE(at, std::string::npos);
  signed_.envelope.replace(at, 11, "82110523358");
  EXPECT_NE(xmlsec(signed_.envelope, pki_.aliceEhealth).exitCode, 0);
}

}  // namespace
}  // namespace ehagent::hubs
