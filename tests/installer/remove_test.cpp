#include <gtest/gtest.h>

#include "tests/installer/installer_fixture.hpp"
#include "tests/support/support.hpp"

namespace ehagent::installer::testing {
namespace {

const std::string alice_token = "eHealth 78031215280";

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto pos = text.find(what); pos != std::string::npos; pos = text.find(what, pos + 1)) ++n;
  return n;
}

class RemoveTest : public InstallerTest {
 protected:
  Outcome remove(const std::string& args, const std::string& pinFile = "pin") const {
    return install("certs remove " + args + " --module " EHAGENT_SOFTHSM_MODULE " --pin-file '" +
                   (dir_.path() / pinFile).string() + "'");
  }

  // Bob's eHealth certificate under the same CA, as a keystore of its own.
  fs::path bobP12() const {
    const fs::path out = dir_.path() / "bob.p12";
    const auto made = shell("openssl pkcs12 -export -inkey '" + (pki_.dir / "bob_ehealth.key").string() + "' -in '" +
                            pki_.bobEhealth.string() + "' -certfile '" + pki_.ehealthCa.string() +
                            "' -name authentication -passout pass:" + pki_.p12Password + " -out '" + out.string() + "'");
    EXPECT_EQ(made.exitCode, 0) << made.output;
    return out;
  }
};

TEST_F(RemoveTest, ImportThenRemoveBySerialLeavesTheTokenEmpty) {
  ASSERT_EQ(importP12(pki_.aliceP12).exitCode, 0);
  const auto before = listObjects();
  ASSERT_NE(before.output.find("Private Key Object"), std::string::npos) << before.output;
  ASSERT_NE(before.output.find("eHealth CA Test"), std::string::npos) << before.output;

  const auto removed = remove(pki_.aliceEhealthSerial + " --yes");
  ASSERT_EQ(removed.exitCode, 0) << removed.output;
  EXPECT_NE(removed.output.find("1 CA certificate(s)"), std::string::npos) << removed.output;

  const auto after = listObjects();
  ASSERT_EQ(after.exitCode, 0) << after.output;
  for (const char* gone : {"Private Key Object", "Public Key Object", "Certificate Object", "authentication"}) {
    EXPECT_EQ(after.output.find(gone), std::string::npos) << gone << " still there:\n" << after.output;
  }
}

TEST_F(RemoveTest, RefusalsLeaveTheTokenUnchanged) {
  ASSERT_EQ(importP12(pki_.aliceP12).exitCode, 0);
  const auto before = listObjects();

  const auto unknown = remove("no-such-certificate --yes");
  EXPECT_NE(unknown.exitCode, 0);
  EXPECT_NE(unknown.output.find("certificate_not_found"), std::string::npos) << unknown.output;

  const auto otherToken = remove(pki_.aliceEhealthSerial + " --token 'Nobody' --yes");
  EXPECT_NE(otherToken.exitCode, 0);
  EXPECT_NE(otherToken.output.find("no token labelled \"Nobody\""), std::string::npos) << otherToken.output;

  // The test's stdin is not a terminal: without --yes nobody can confirm.
  const auto unconfirmed = remove(pki_.aliceEhealthSerial);
  EXPECT_NE(unconfirmed.exitCode, 0);
  EXPECT_NE(unconfirmed.output.find("not_confirmed"), std::string::npos) << unconfirmed.output;

  const auto wrongPin = remove(pki_.aliceEhealthSerial + " --yes", "password");
  EXPECT_NE(wrongPin.exitCode, 0);
  EXPECT_NE(wrongPin.output.find("pin_incorrect"), std::string::npos) << wrongPin.output;
  EXPECT_EQ(wrongPin.output.find(pki_.p12Password), std::string::npos) << "PIN in output";

  EXPECT_EQ(listObjects().output, before.output);
}

TEST_F(RemoveTest, ASharedCaStaysUntilItsLastCertificateGoes) {
  ASSERT_EQ(importP12(pki_.aliceP12).exitCode, 0);
  const auto bob = install("certs import '" + bobP12().string() + "' --module " EHAGENT_SOFTHSM_MODULE
                           " --token '" + alice_token + "' --password-file '" + (dir_.path() / "password").string() +
                           "' --pin-file '" + (dir_.path() / "pin").string() + "'");
  ASSERT_EQ(bob.exitCode, 0) << bob.output;

  // Both are labelled "authentication": the label alone names two certificates.
  const auto ambiguous = remove("authentication --yes");
  EXPECT_NE(ambiguous.exitCode, 0);
  EXPECT_NE(ambiguous.output.find("ambiguous_selector"), std::string::npos) << ambiguous.output;

  const auto alice = remove(pki_.aliceEhealthSerial + " --yes");
  ASSERT_EQ(alice.exitCode, 0) << alice.output;
  EXPECT_NE(alice.output.find("0 CA certificate(s)"), std::string::npos) << alice.output;
  const auto middle = listObjects();
  EXPECT_EQ(count(middle.output, "Certificate Object"), 2u) << middle.output;  // Bob's and the CA
  EXPECT_EQ(count(middle.output, "Private Key Object"), 1u) << middle.output;
  EXPECT_NE(middle.output.find("eHealth CA Test"), std::string::npos) << middle.output;

  // Bob's by fingerprint, with colons, as certs list prints it.
  const auto list = install("certs list --revocation off --module " EHAGENT_SOFTHSM_MODULE);
  const auto at = list.output.find("sha256 ");
  ASSERT_NE(at, std::string::npos) << list.output;
  const std::string fingerprint = list.output.substr(at + 7, 95);
  const auto bobRemoved = remove("'" + fingerprint + "' --token '" + alice_token + "' --yes");
  ASSERT_EQ(bobRemoved.exitCode, 0) << bobRemoved.output;
  EXPECT_NE(bobRemoved.output.find("1 CA certificate(s)"), std::string::npos) << bobRemoved.output;
  EXPECT_EQ(listObjects(alice_token).output.find("Certificate Object"), std::string::npos);
}

TEST_F(RemoveTest, NeverRemovesFromAnEidCard) {
  testsupport::SpecimenCopy specimen;  // eID cards "Alice SPECIMEN" and "Bob SPECIMEN"
  const std::string conf = "SOFTHSM2_CONF='" + specimen.conf().string() + "' ";
  const std::string objects = conf + "pkcs11-tool --module " EHAGENT_SOFTHSM_MODULE
                                     " --token-label 'Alice SPECIMEN' --login --pin 1234 --list-objects";
  const auto before = shell(objects);
  ASSERT_NE(before.output.find("Authentication"), std::string::npos) << before.output;

  const auto refused = shell(conf + "'" EHAGENT_INSTALL_BIN "' --state-dir '" + (dir_.path() / "state").string() +
                             "' certs remove Authentication --token 'Alice SPECIMEN' --yes --module "
                             EHAGENT_SOFTHSM_MODULE " --pin-file '" + (dir_.path() / "pin").string() + "'");
  EXPECT_NE(refused.exitCode, 0);
  EXPECT_NE(refused.output.find("eid_card"), std::string::npos) << refused.output;
  EXPECT_EQ(shell(objects).output, before.output);
}

}  // namespace
}  // namespace ehagent::installer::testing
