// The Pkcs11Signer over the specimen SoftHSM cards: XMLDSig and WS-Security signatures made with
// the Authentication key of the RSA (Alice) and EC P-384 (Bob) eID, checked by xmlsec1 against
// the certificate on the card.
#include <gtest/gtest.h>

#include "pkcs11/eid.hpp"
#include "pkcs11/module.hpp"
#include "core/secret.hpp"
#include "pkcs11/session.hpp"
#include "tests/support/support.hpp"
#include "tokens/sign/pkcs11_signer.hpp"
#include "tokens/xml/wssecurity.hpp"
#include "tokens/xml/xmldsig.hpp"

namespace ehagent::tokens {
namespace {

namespace ts = ehagent::testsupport;

struct CardCase {
  const char* name;
  const char* token_label;
  SignatureAlgorithm expected_default;
};

class Pkcs11SignerTest : public ::testing::TestWithParam<CardCase> {
 protected:
  void SetUp() override {
    specimen_ = std::make_unique<ts::SpecimenCopy>();
    module_ = pkcs11::Module::load(ts::softhsmModule());
    for (auto slot : module_->slotIds(true))
      if (module_->tokenInfo(slot).label == GetParam().token_label) session_.emplace(module_, slot);
    ASSERT_TRUE(session_.has_value()) << "no specimen token " << GetParam().token_label;
    session_->login(Secret("1234"));
    const auto profile = pkcs11::readTokenProfile(*session_);
    const auto* cert = profile.certificate("Authentication");
    ASSERT_NE(cert, nullptr);
    certificate_ = std::make_unique<certs::Certificate>(certs::Certificate::fromDer(cert->der));
    ts::writeFile(dir_ / "auth.pem", certificate_->pem());
    signer_ = std::make_unique<Pkcs11Signer>(*session_, pkcs11::findPrivateKey(*session_, "Authentication"),
                                             *certificate_);
  }

  ts::CommandResult xmlsec(const std::string& xml, std::vector<std::string> extra) {
    ts::writeFile(dir_ / "signed.xml", xml);
    std::vector<std::string> argv{"xmlsec1", "--verify", "--pubkey-cert-pem", (dir_ / "auth.pem").string()};
    argv.insert(argv.end(), extra.begin(), extra.end());
    argv.push_back((dir_ / "signed.xml").string());
    return ts::runCommand(argv);
  }

  ts::TempDir dir_;
  std::unique_ptr<ts::SpecimenCopy> specimen_;
  std::shared_ptr<pkcs11::Module> module_;
  std::optional<pkcs11::Session> session_;
  std::unique_ptr<certs::Certificate> certificate_;
  std::unique_ptr<Pkcs11Signer> signer_;
};

TEST_P(Pkcs11SignerTest, EnvelopedSignatureVerifiesWithXmlsec1) {
  EXPECT_EQ(signer_->defaultAlgorithm(), GetParam().expected_default);
  xml::Document doc = xml::Document::parse("<doc xmlns=\"urn:test\" ID=\"d\"><v>1</v></doc>");
  xmldsig::SignOptions options;
  options.reference_ids = {"d"};
  xmldsig::sign(doc, doc.root(), options, *signer_);
  const std::string signed_xml = doc.serialize();
  const auto result = xmlsec(signed_xml, {"--id-attr:ID", "urn:test:doc"});
  EXPECT_EQ(result.exitCode, 0) << result.out << result.err;
  const auto parsed = xml::Document::parse(signed_xml);
  EXPECT_NO_THROW(xmldsig::verifyEnveloped(parsed, parsed.root(), {.certificate = *certificate_, .trusted = {}}));
}

TEST_P(Pkcs11SignerTest, StsShapedEnvelopeVerifiesWithXmlsec1) {
  wss::EnvelopeOptions options;
  options.body_xml = "<wst:RequestSecurityToken xmlns:wst=\"http://docs.oasis-open.org/ws-sx/ws-trust/200512\" Context=\"x\"/>";
  options.binary_security_token = true;
  const std::string envelope = wss::buildEnvelope(options, *signer_);
  const auto result = xmlsec(envelope, {"--id-attr:Id", "http://schemas.xmlsoap.org/soap/envelope/:Body",
                                        "--id-attr:Id",
                                        "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd:Timestamp",
                                        "--id-attr:Id",
                                        "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd:BinarySecurityToken"});
  EXPECT_EQ(result.exitCode, 0) << result.out << result.err;
}

INSTANTIATE_TEST_SUITE_P(Cards, Pkcs11SignerTest,
                         ::testing::Values(CardCase{"AliceRsa", "Alice SPECIMEN", SignatureAlgorithm::RsaSha256},
                                           CardCase{"BobEc", "Bob SPECIMEN", SignatureAlgorithm::EcdsaSha384}),
                         [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace ehagent::tokens
