// The specimen command as a user runs it, checked with the openssl CLI and pkcs11-tool.
#include <gtest/gtest.h>

#include "tests/support/support.hpp"

namespace ehagent::testsupport {
namespace {

TEST(Specimen, RunsTwiceIntoTheSameDirectory) {
  TempDir dir;
  const auto out = (dir / "specimen").string();
  for (int run = 0; run < 2; ++run) {
    const auto result = runCommand({sandboxExe(), "specimen", "--out", out});
    ASSERT_EQ(result.exitCode, 0) << result.err;
  }
  const auto env = readFile(dir / "specimen" / "env");
  EXPECT_NE(env.find("SOFTHSM2_CONF="), std::string::npos);
  EXPECT_NE(env.find("EHAGENT_PKCS11_MODULE="), std::string::npos);

  // Four tokens, not eight: the second run replaced the first.
  setenv("SOFTHSM2_CONF", (dir / "specimen" / "softhsm2.conf").c_str(), 1);
  const auto list = runCommand({"pkcs11-tool", "--module", softhsmModule(), "-L"});
  unsetenv("SOFTHSM2_CONF");
  ASSERT_EQ(list.exitCode, 0) << list.err;
  std::size_t tokens = 0;
  for (auto at = list.out.find("SPECIMEN"); at != std::string::npos; at = list.out.find("SPECIMEN", at + 1)) ++tokens;
  EXPECT_EQ(tokens, 4u) << list.out;
}

TEST(Specimen, EHealthKeystoreHasAliasChainAndPassword) {
  const auto p12 = SpecimenCopy::ehealth("alice.p12").string();
  const auto password = readFile(SpecimenCopy::ehealth("password.txt"));
  EXPECT_EQ(password, "specimen\n");
  const auto info = runCommand({"openssl", "pkcs12", "-in", p12, "-passin", "pass:specimen", "-nokeys"});
  ASSERT_EQ(info.exitCode, 0) << info.err;
  EXPECT_NE(info.out.find("friendlyName: authentication"), std::string::npos) << info.out;
  EXPECT_NE(info.out.find("OU = NIHII-NUMBER=10012378004"), std::string::npos) << info.out;
  EXPECT_NE(info.out.find("eHealth CA (specimen)"), std::string::npos) << info.out;
  const auto wrong = runCommand({"openssl", "pkcs12", "-in", p12, "-passin", "pass:nope", "-nokeys"});
  EXPECT_NE(wrong.exitCode, 0);
}

TEST(Specimen, ChainsVerifyWithOpenssl) {
  const auto root = SpecimenCopy::pki("belgium-root-ca.pem").string();
  const auto citizen = SpecimenCopy::pki("citizen-ca.pem").string();
  for (const char* leaf : {"alice-authentication.pem", "alice-signature.pem", "bob-authentication.pem",
                           "bob-signature.pem"}) {
    const auto result =
        runCommand({"openssl", "verify", "-CAfile", root, "-untrusted", citizen, SpecimenCopy::pki(leaf).string()});
    EXPECT_EQ(result.exitCode, 0) << leaf << ": " << result.out << result.err;
  }
  const auto ehealth = runCommand({"openssl", "verify", "-CAfile", SpecimenCopy::pki("ehealth-ca.pem").string(),
                                   SpecimenCopy::ehealth("bob.pem").string()});
  EXPECT_EQ(ehealth.exitCode, 0) << ehealth.out << ehealth.err;
  const auto tls = runCommand({"openssl", "verify", "-CAfile", SpecimenCopy::pki("sandbox-ca.pem").string(),
                               "-purpose", "sslserver", SpecimenCopy::pki("sandbox-tls.pem").string()});
  EXPECT_EQ(tls.exitCode, 0) << tls.out << tls.err;
  const auto usage = runCommand({"openssl", "x509", "-in", SpecimenCopy::pki("alice-signature.pem").string(),
                                 "-noout", "-ext", "keyUsage", "-subject"});
  EXPECT_NE(usage.out.find("Non Repudiation"), std::string::npos) << usage.out;
  EXPECT_NE(usage.out.find("serialNumber = 78031215280"), std::string::npos) << usage.out;
}

TEST(Specimen, MissingOutIsAClearError) {
  const auto result = runCommand({sandboxExe(), "specimen"});
  EXPECT_NE(result.exitCode, 0);
  EXPECT_NE(result.err.find("--out"), std::string::npos) << result.err;
}

}  // namespace
}  // namespace ehagent::testsupport
