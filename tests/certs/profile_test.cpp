#include "certs/profile.hpp"

#include <gtest/gtest.h>

#include "tests/certs/test_pki.hpp"

namespace ehagent::certs {
namespace {

class ProfileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    try {
      pki_ = testing::makeTestPki(dir_.path());
    } catch (const std::exception& e) {
      FAIL() << e.what();
    }
  }
  Certificate extra(const std::string& name, const std::string& subject,
                    const std::string& ext = "keyUsage = digitalSignature") {
    return Certificate::loadFile(testing::issueExtra(pki_, name, subject, ext));
  }
  testing::TempDir dir_;
  testing::TestPki pki_;
};

TEST_F(ProfileTest, ReadsAnEidAuthenticationCertificate) {
  const auto p = readEidProfile(Certificate::loadFile(pki_.aliceAuth));
  EXPECT_EQ(p.ssin, "78031215280");
  EXPECT_EQ(p.givenName, "Alice");
  EXPECT_EQ(p.surname, "SPECIMEN");
  EXPECT_EQ(p.role, EidRole::Authentication);
  EXPECT_TRUE(p.complete());
}

TEST_F(ProfileTest, ReadsAnEidSignatureCertificate) {
  const auto p = readEidProfile(Certificate::loadFile(pki_.aliceSign));
  EXPECT_EQ(p.role, EidRole::Signature);
  EXPECT_STREQ(toString(p.role), "signature");
  EXPECT_EQ(readEidProfile(Certificate::loadFile(pki_.bobAuth)).ssin, "82110523358");
}

TEST_F(ProfileTest, FallsBackToTheCnSuffixWithoutKeyUsage) {
  const auto p = readEidProfile(extra(
      "noku", "/C=BE/CN=Carol SPECIMEN (Signature)/SN=SPECIMEN/GN=Carol/serialNumber=15062034820",
      "basicConstraints = CA:FALSE"));
  EXPECT_EQ(p.role, EidRole::Signature);
  EXPECT_EQ(p.ssin, "15062034820");
}

TEST_F(ProfileTest, NamesWhatAnEidCertificateLacks) {
  const auto p = readEidProfile(extra("bare", "/C=BE/CN=Someone", "basicConstraints = CA:FALSE"));
  EXPECT_FALSE(p.ssin);
  EXPECT_FALSE(p.givenName);
  EXPECT_FALSE(p.surname);
  EXPECT_EQ(p.role, EidRole::Unknown);
  EXPECT_EQ(p.missing, (std::vector<std::string>{"ssin", "givenName", "surname", "role"}));
  EXPECT_FALSE(p.complete());
}

TEST_F(ProfileTest, ReportsAnSsinThatFailsTheCheckAsInvalid) {
  const auto p = readEidProfile(
      extra("badssin", "/C=BE/CN=X (Authentication)/SN=X/GN=Y/serialNumber=78031215281"));
  EXPECT_FALSE(p.ssin);
  EXPECT_EQ(p.invalid, std::vector<std::string>{"ssin"});
  EXPECT_TRUE(p.missing.empty());
}

TEST_F(ProfileTest, ReadsAnEhealthPractitionerCertificate) {
  const auto p = readEhealthProfile(Certificate::loadFile(pki_.aliceEhealth));
  EXPECT_EQ(p.ssin, "78031215280");
  EXPECT_EQ(p.nihii, "10012378004");
  EXPECT_EQ(p.profession, "DOCTOR");
  EXPECT_TRUE(p.complete());
  const auto bob = readEhealthProfile(Certificate::loadFile(pki_.bobEhealth));
  EXPECT_EQ(bob.ssin, "82110523358");
  EXPECT_EQ(bob.nihii, "10045636003");
}

TEST_F(ProfileTest, ReadsTheShortNihiiTagAndTheSsinFromTheCn) {
  const auto p = readEhealthProfile(
      extra("nurse", "/C=BE/O=Federal Government/OU=nurse/OU=NIHII=10045636003/CN=SSIN=82110523358"));
  EXPECT_EQ(p.ssin, "82110523358");
  EXPECT_EQ(p.nihii, "10045636003");
  EXPECT_EQ(p.profession, "NURSE");
}

TEST_F(ProfileTest, NamesWhatAnEhealthCertificateLacks) {
  const auto p = readEhealthProfile(
      extra("org", "/C=BE/O=Federal Government/OU=eHealth-platform Belgium/OU=SSIN=78031215280/"
                   "CN=SSIN=78031215280"));
  EXPECT_EQ(p.ssin, "78031215280");
  EXPECT_FALSE(p.nihii);
  EXPECT_FALSE(p.profession);
  EXPECT_EQ(p.missing, (std::vector<std::string>{"nihii", "profession"}));

  const auto bad = readEhealthProfile(
      extra("badnihii", "/C=BE/OU=DENTIST/OU=NIHII-NUMBER=1001237900/CN=SSIN=78031215280"));
  EXPECT_EQ(bad.invalid, std::vector<std::string>{"nihii"});
  EXPECT_FALSE(bad.nihii);
  EXPECT_EQ(bad.profession, "DENTIST");
}

TEST_F(ProfileTest, KeepsANihiiThatFailsTheCheckAndWarns) {
  // The check rule is not confirmed for every number RIZIV/INAMI issues: report, do not drop.
  const auto p = readEhealthProfile(
      extra("checknihii", "/C=BE/OU=DENTIST/OU=NIHII-NUMBER=10012379004/CN=SSIN=78031215280"));
  EXPECT_EQ(p.nihii, "10012379004");
  EXPECT_TRUE(p.invalid.empty());
  EXPECT_EQ(p.warnings, std::vector<std::string>{"nihii_check_digits"});

  const auto good = readEhealthProfile(
      extra("goodnihii", "/C=BE/OU=DENTIST/OU=NIHII-NUMBER=10012378004/CN=SSIN=78031215280"));
  EXPECT_TRUE(good.warnings.empty());
}

}  // namespace
}  // namespace ehagent::certs
