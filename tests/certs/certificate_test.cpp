#include "certs/certificate.hpp"

#include <gtest/gtest.h>

#include "certs/error.hpp"
#include "tests/certs/test_pki.hpp"

namespace ehagent::certs {
namespace {

using testing::TempDir;
using testing::TestPki;

class CertificateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    try {
      pki_ = testing::makeTestPki(dir_.path());
    } catch (const std::exception& e) {
      FAIL() << e.what();
    }
  }

  // The openssl CLI's own view of a certificate field, as an independent reference.
  std::string opensslField(const std::filesystem::path& cert, const std::string& option) {
    const auto out = dir_.path() / "field.txt";
    std::filesystem::remove(out);
    testing::run("openssl x509 -in '" + cert.string() + "' -noout " + option + " -out '" +
                     out.string() + "'",
                 dir_.path() / "cli.log");
    std::string text = testing::readFile(out);
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
    return text;
  }

  TempDir dir_;
  TestPki pki_;
};

TEST_F(CertificateTest, ReadsSubjectAttributesOfAnEidCertificate) {
  const auto cert = Certificate::loadFile(pki_.aliceAuth);
  EXPECT_EQ(cert.subjectAttribute("serialNumber"), std::vector<std::string>{"78031215280"});
  EXPECT_EQ(cert.subjectAttribute("GN"), std::vector<std::string>{"Alice"});
  EXPECT_EQ(cert.subjectAttribute("givenName"), std::vector<std::string>{"Alice"});
  EXPECT_EQ(cert.subjectAttribute("SN"), std::vector<std::string>{"SPECIMEN"});
  EXPECT_EQ(cert.subjectAttribute("CN"),
            std::vector<std::string>{"Alice SPECIMEN (Authentication)"});
  EXPECT_TRUE(cert.subjectAttribute("OU").empty());
  EXPECT_TRUE(cert.subjectAttribute("noSuchAttribute").empty());
  EXPECT_EQ(cert.subject(),
            "C=BE, CN=Alice SPECIMEN (Authentication), SN=SPECIMEN, GN=Alice, "
            "serialNumber=78031215280");
  EXPECT_EQ(cert.issuer(), "C=BE, CN=Citizen CA Test, serialNumber=202401");
}

TEST_F(CertificateTest, ReadsEveryOuOfAnEhealthCertificate) {
  const auto cert = Certificate::loadFile(pki_.aliceEhealth);
  EXPECT_EQ(cert.subjectAttribute("OU"),
            (std::vector<std::string>{"eHealth-platform Belgium", "DOCTOR",
                                      "NIHII-NUMBER=10012378004", "SSIN=78031215280"}));
}

TEST_F(CertificateTest, MatchesTheOpensslCliOnSerialFingerprintsAndDates) {
  const auto cert = Certificate::loadFile(pki_.aliceEhealth);
  EXPECT_EQ("serial=" + cert.serialHex(), opensslField(pki_.aliceEhealth, "-serial"));
  EXPECT_EQ(cert.serialDecimal(), "4097");
  std::string sha256 = opensslField(pki_.aliceEhealth, "-fingerprint -sha256");
  for (auto& c : sha256) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  EXPECT_EQ("sha256 fingerprint=" + toHex(cert.sha256Fingerprint(), ":"), sha256);
  std::string sha1 = opensslField(pki_.aliceEhealth, "-fingerprint -sha1");
  for (auto& c : sha1) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  EXPECT_EQ("sha1 fingerprint=" + toHex(cert.sha1Fingerprint(), ":"), sha1);

  const auto now = std::chrono::system_clock::now();
  EXPECT_LT(cert.notBefore(), now + std::chrono::minutes(5));
  EXPECT_GT(cert.notBefore(), now - std::chrono::hours(1));
  const auto days = std::chrono::duration_cast<std::chrono::hours>(cert.notAfter() - cert.notBefore());
  EXPECT_EQ(days.count(), 1000 * 24);
}

TEST_F(CertificateTest, ReportsKeyAlgorithmsAndUsages) {
  const auto alice = Certificate::loadFile(pki_.aliceAuth);
  EXPECT_EQ(alice.keyAlgorithm(), "RSA-2048");
  EXPECT_TRUE(alice.keyUsage().present);
  EXPECT_TRUE(alice.keyUsage().digitalSignature);
  EXPECT_FALSE(alice.keyUsage().nonRepudiation);
  EXPECT_FALSE(alice.isCa());

  const auto sign = Certificate::loadFile(pki_.aliceSign);
  EXPECT_TRUE(sign.keyUsage().nonRepudiation);
  EXPECT_FALSE(sign.keyUsage().digitalSignature);

  EXPECT_EQ(Certificate::loadFile(pki_.bobAuth).keyAlgorithm(), "EC P-384");
  const auto root = Certificate::loadFile(pki_.root);
  EXPECT_EQ(root.keyAlgorithm(), "EC P-256");
  EXPECT_TRUE(root.isCa());
  EXPECT_TRUE(root.isSelfIssued());
  EXPECT_TRUE(root.keyUsage().keyCertSign);
  EXPECT_TRUE(root.keyUsage().crlSign);
}

TEST_F(CertificateTest, RoundTripsDerAndPemAndComparesByValue) {
  const auto cert = Certificate::loadFile(pki_.aliceAuth);
  const auto der = cert.der();
  EXPECT_EQ(Certificate::fromDer(der), cert);
  EXPECT_EQ(Certificate::fromPem(cert.pem()), cert);
  testing::run("openssl x509 -in '" + pki_.aliceAuth.string() + "' -outform DER -out '" +
                   (dir_.path() / "alice.der").string() + "'",
               dir_.path() / "cli.log");
  const auto fromDerFile = Certificate::loadFile(dir_.path() / "alice.der");
  EXPECT_EQ(fromDerFile.der(), der);
  EXPECT_FALSE(Certificate::loadFile(pki_.bobAuth) == cert);
}

TEST_F(CertificateTest, ExposesThePublicKeyAndItsSha1) {
  const auto cert = Certificate::loadFile(pki_.aliceEhealth);
  testing::run("openssl x509 -in '" + pki_.aliceEhealth.string() + "' -noout -pubkey | openssl pkey "
                   "-pubin -outform DER -out '" + (dir_.path() / "spki.der").string() + "'",
               dir_.path() / "cli.log");
  const std::string spki = testing::readFile(dir_.path() / "spki.der");
  const auto der = cert.publicKeyDer();
  EXPECT_EQ(std::string(der.begin(), der.end()), spki);
  // The subjectKeyIdentifier "hash" method is the same SHA-1 over the key bits.
  const std::string ski = opensslField(pki_.ehealthCa, "-ext subjectKeyIdentifier");
  const auto ca = Certificate::loadFile(pki_.ehealthCa);
  std::string hex = toHex(ca.publicKeySha1(), ":");
  for (auto& c : hex) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_NE(ski.find(hex), std::string::npos) << ski;
}

TEST_F(CertificateTest, EncodesSubjectIssuerAndSerialAsDer) {
  const auto cert = Certificate::loadFile(pki_.aliceEhealth);
  const auto serial = cert.serialDer();
  EXPECT_EQ(toHex(serial), "02021001");  // INTEGER 0x1001
  // The leaf's issuer field is the CA's subject, byte for byte.
  EXPECT_EQ(cert.issuerDer(), Certificate::loadFile(pki_.ehealthCa).subjectDer());
  EXPECT_NE(cert.subjectDer(), cert.issuerDer());
  EXPECT_EQ(cert.subjectDer().front(), 0x30);
}

TEST_F(CertificateTest, ReadsOcspAndCrlUrls) {
  const auto cert = Certificate::loadFile(pki_.aliceEhealth);
  EXPECT_EQ(cert.ocspUrls(), std::vector<std::string>{"http://127.0.0.1:9/ocsp"});
  EXPECT_EQ(cert.crlUrls(), std::vector<std::string>{"http://127.0.0.1:9/ehealth.crl"});
  EXPECT_TRUE(Certificate::loadFile(pki_.root).ocspUrls().empty());
}

TEST_F(CertificateTest, RejectsGarbageWithASpecificError) {
  const std::vector<std::uint8_t> junk{0x30, 0x03, 0x02, 0x01};
  try {
    Certificate::fromDer(junk);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), "certificate_invalid");
  }
  EXPECT_THROW(Certificate::fromPem("not a certificate"), Error);
  try {
    Certificate::loadFile(dir_.path() / "missing.pem");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), "io_error");
  }
  auto der = Certificate::loadFile(pki_.aliceAuth).der();
  der.push_back(0);
  EXPECT_THROW(Certificate::fromDer(der), Error);
}

TEST_F(CertificateTest, SplitsAPemBundle) {
  const std::string bundle = testing::readFile(pki_.root) + testing::readFile(pki_.citizenCa);
  const auto all = Certificate::allFromPem(bundle);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[1], Certificate::loadFile(pki_.citizenCa));
  EXPECT_TRUE(Certificate::allFromPem("").empty());
}

}  // namespace
}  // namespace ehagent::certs
