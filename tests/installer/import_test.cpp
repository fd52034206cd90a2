#include <gtest/gtest.h>
#include <pwd.h>
#include <sys/stat.h>

#include "certs/profile.hpp"
#include "tests/installer/installer_fixture.hpp"

namespace ehagent::installer::testing {
namespace {

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto pos = text.find(what); pos != std::string::npos; pos = text.find(what, pos + 1)) ++n;
  return n;
}

TEST_F(InstallerTest, ImportsAKeystoreIntoAFreshSoftHsmToken) {
  const auto result = importP12(pki_.aliceP12);
  ASSERT_EQ(result.exitCode, 0) << result.output;
  EXPECT_NE(result.output.find("eHealth 78031215280"), std::string::npos) << result.output;

  const auto objects = listObjects();
  ASSERT_EQ(objects.exitCode, 0) << objects.output;
  EXPECT_NE(objects.output.find("Private Key Object; RSA"), std::string::npos) << objects.output;
  EXPECT_NE(objects.output.find("Certificate Object"), std::string::npos) << objects.output;
  EXPECT_GE(count(objects.output, "label:      authentication"), 2u) << objects.output;

  // Read the certificate back with pkcs11-tool and check the profile fields from it.
  const fs::path der = dir_.path() / "read.der";
  const auto read = shell("pkcs11-tool --module " EHAGENT_SOFTHSM_MODULE
                          " --token-label 'eHealth 78031215280' --read-object --type cert --label "
                          "authentication -o '" + der.string() + "'");
  ASSERT_EQ(read.exitCode, 0) << read.output;
  const auto profile = certs::readEhealthProfile(certs::Certificate::loadFile(der));
  EXPECT_EQ(profile.ssin, "78031215280");
  EXPECT_EQ(profile.nihii, "10012378004");

  // Sign with the imported key through pkcs11-tool and verify with the openssl CLI against the
  // certificate: the key on the token is the certificate's key.
  writeFile(dir_.path() / "data.bin", "signed by the imported key");
  const auto sign = shell("pkcs11-tool --module " EHAGENT_SOFTHSM_MODULE
                          " --token-label 'eHealth 78031215280' --login --pin 1234 --sign -m SHA256-RSA-PKCS "
                          "--label authentication -i '" + (dir_.path() / "data.bin").string() + "' -o '" +
                          (dir_.path() / "sig.bin").string() + "'");
  ASSERT_EQ(sign.exitCode, 0) << sign.output;
  const auto verify = shell("openssl x509 -in '" + pki_.aliceEhealth.string() + "' -pubkey -noout > '" +
                            (dir_.path() / "pub.pem").string() + "' && openssl dgst -sha256 -verify '" +
                            (dir_.path() / "pub.pem").string() + "' -signature '" +
                            (dir_.path() / "sig.bin").string() + "' '" + (dir_.path() / "data.bin").string() + "'");
  EXPECT_EQ(verify.exitCode, 0) << verify.output;
}

// --token takes a PKCS#11 URI as well as a label: it chooses an existing token by its attributes,
// and one that matches nothing is refused, never created.
TEST_F(InstallerTest, TheTokenCanBeChosenByAPkcs11Uri) {
  const auto made = shell("softhsm2-util --init-token --free --label 'eHealth 78031215280' --so-pin 12345678 --pin 1234");
  ASSERT_EQ(made.exitCode, 0) << made.output;
  const std::string files = " --password-file '" + (dir_.path() / "password").string() + "' --pin-file '" +
                            (dir_.path() / "pin").string() + "'";
  const auto none = install("certs import '" + pki_.aliceP12.string() + "' --module " EHAGENT_SOFTHSM_MODULE
                            " --token 'pkcs11:token=Nobody'" + files);
  EXPECT_NE(none.exitCode, 0);
  EXPECT_NE(none.output.find("token_not_found"), std::string::npos) << none.output;
  EXPECT_NE(none.output.find("no token matches pkcs11:token=Nobody"), std::string::npos) << none.output;

  const auto chosen = install("certs import '" + pki_.aliceP12.string() + "' --module " EHAGENT_SOFTHSM_MODULE
                              " --token 'pkcs11:model=SoftHSM%20v2;token=eHealth%2078031215280'" + files);
  ASSERT_EQ(chosen.exitCode, 0) << chosen.output;
  EXPECT_NE(chosen.output.find("into token \"eHealth 78031215280\""), std::string::npos) << chosen.output;
  const auto objects = listObjects();
  EXPECT_GE(count(objects.output, "label:      authentication"), 2u) << objects.output;
}

// A practitioner who is not root imports into a token store of their own (SoftHSM's system store
// belongs to root); pkcs11-tool, run as them on that store, sees the token.
TEST_F(InstallerTest, AUserWhoIsNotRootImportsIntoTheirOwnTokenStore) {
  if (!testsupport::isRoot()) GTEST_SKIP() << "a second local account needs root";
  const testsupport::LocalUser user;
  const passwd* account = ::getpwnam(user.name().c_str());
  ASSERT_NE(account, nullptr);
  const fs::path home = fs::temp_directory_path() / ("ehagent-home-" + user.name());
  fs::create_directories(home / "bundled");
  for (const auto& [from, to] : std::vector<std::pair<fs::path, fs::path>>{
           {pki_.aliceP12, home / "alice.p12"}, {dir_.path() / "password", home / "password"},
           {dir_.path() / "pin", home / "pin"}, {pki_.ehealthCa, home / "bundled" / "ehealth_ca.pem"}}) {
    fs::copy_file(from, to, fs::copy_options::overwrite_existing);
  }
  ASSERT_EQ(testsupport::runCommand({"chown", "-R", user.name(), home.string()}).exitCode, 0);
  const std::vector<std::string> env = {"env", "-u", "SOFTHSM2_CONF", "HOME=" + home.string(),
                                        "XDG_DATA_HOME=" + (home / "data").string(),
                                        "XDG_STATE_HOME=" + (home / "state").string(),
                                        "XDG_CONFIG_HOME=" + (home / "config").string()};
  auto command = env;
  for (const std::string word : {std::string(EHAGENT_INSTALL_BIN), std::string("--bundled-trust"), (home / "bundled").string(),
                                 std::string("certs"), std::string("import"), (home / "alice.p12").string(),
                                 std::string("--password-file"), (home / "password").string(), std::string("--pin-file"),
                                 (home / "pin").string()}) {
    command.push_back(word);
  }
  const auto imported = user.runAs(command);
  EXPECT_EQ(imported.exitCode, 0) << imported.out << imported.err;
  const fs::path store = home / "data" / "ehagent";
  EXPECT_NE(imported.out.find((store / "softhsm2.conf").string()), std::string::npos) << imported.out;
  struct stat info {};
  ASSERT_EQ(::stat((store / "tokens").c_str(), &info), 0);
  EXPECT_EQ(info.st_uid, account->pw_uid);
  EXPECT_EQ(info.st_mode & 077, 0u) << "the token store is open to others";

  const auto listed = user.runAs({"env", "SOFTHSM2_CONF=" + (store / "softhsm2.conf").string(), "pkcs11-tool",
                                  "--module", EHAGENT_SOFTHSM_MODULE, "--list-token-slots"});
  EXPECT_NE(listed.out.find("eHealth 78031215280"), std::string::npos) << listed.out << listed.err;
  fs::remove_all(home);
}

TEST_F(InstallerTest, FailedImportsExitNonZeroAndLeaveTheTokenAsItWas) {
  ASSERT_EQ(importP12(pki_.aliceP12).exitCode, 0);
  const auto before = listObjects();
  ASSERT_EQ(before.exitCode, 0) << before.output;

  const auto wrong = importP12(pki_.aliceP12, "wrong-password");
  EXPECT_NE(wrong.exitCode, 0);
  EXPECT_NE(wrong.output.find("p12_password"), std::string::npos) << wrong.output;
  EXPECT_EQ(wrong.output.find("not-it"), std::string::npos) << "password in output";

  const std::string data = readFile(pki_.aliceP12);
  writeFile(dir_.path() / "truncated.p12", data.substr(0, data.size() / 2));
  const auto truncated = importP12(dir_.path() / "truncated.p12");
  EXPECT_NE(truncated.exitCode, 0);
  EXPECT_NE(truncated.output.find("p12_invalid"), std::string::npos) << truncated.output;

  const auto untrusted = importP12(pki_.rogueP12);
  EXPECT_NE(untrusted.exitCode, 0);
  EXPECT_NE(untrusted.output.find("certificate_untrusted"), std::string::npos) << untrusted.output;

  const auto again = importP12(pki_.aliceP12);
  EXPECT_NE(again.exitCode, 0);
  EXPECT_NE(again.output.find("already_imported"), std::string::npos) << again.output;

  const auto after = listObjects();
  EXPECT_EQ(after.output, before.output);
}

class PinentryImportTest : public InstallerTest {
 protected:
  void SetUp() override {
    InstallerTest::SetUp();
    writeConfig(std::string("pinentry = \"") + EHAGENT_TEST_PINENTRY + "\"\n");
  }
  void script(const std::string& actions) const { writeFile(dir_.path() / "pinentry.script", actions); }
  // How many scripted answers pinentry has given.
  std::string answered() const { return readFile(dir_.path() / "pinentry.script.cursor"); }
  Outcome importAsking(const fs::path& p12) const {
    return install("certs import '" + p12.string() + "' --module " EHAGENT_SOFTHSM_MODULE);
  }
};

TEST_F(PinentryImportTest, AsksForThePasswordAndThePinThroughPinentry) {
  script("pin " + pki_.p12Password + "\npin 1234\n");
  const auto result = importAsking(pki_.aliceP12);
  ASSERT_EQ(result.exitCode, 0) << result.output;
  EXPECT_EQ(answered(), "2\n");
  const std::string transcript = readFile(dir_.path() / "pinentry.transcript");
  EXPECT_NE(transcript.find("SETDESC Password of alice_ehealth.p12"), std::string::npos) << transcript;
  EXPECT_EQ(transcript.find(pki_.p12Password), std::string::npos) << "the password reached the transcript";
  EXPECT_EQ(result.output.find(pki_.p12Password), std::string::npos) << "the password reached the output";

  const auto objects = listObjects();
  ASSERT_EQ(objects.exitCode, 0) << objects.output;
  EXPECT_NE(objects.output.find("Private Key Object"), std::string::npos) << objects.output;
}

TEST_F(PinentryImportTest, AWrongPasswordEndsBeforeThePinAndTouchesNoToken) {
  // Nothing on the machine yet: a wrong password must not even create the token.
  script("pin not-it\n");
  const auto first = importAsking(pki_.aliceP12);
  EXPECT_NE(first.exitCode, 0);
  EXPECT_NE(first.output.find("p12_password"), std::string::npos) << first.output;
  EXPECT_EQ(answered(), "1\n");  // the token PIN was never asked for
  EXPECT_EQ(shell("softhsm2-util --show-slots").output.find("78031215280"), std::string::npos);

  // With the token there, a wrong password leaves its objects as they were.
  ASSERT_EQ(importP12(pki_.aliceP12).exitCode, 0);
  const auto before = listObjects();
  fs::remove(dir_.path() / "pinentry.script.cursor");
  script("pin still-not-it\n");
  const auto second = importAsking(pki_.aliceP12);
  EXPECT_NE(second.exitCode, 0);
  EXPECT_NE(second.output.find("p12_password"), std::string::npos) << second.output;
  EXPECT_EQ(second.output.find("still-not-it"), std::string::npos) << "the password reached the output";
  EXPECT_EQ(listObjects().output, before.output);
}

TEST_F(PinentryImportTest, CancellingThePasswordDialogImportsNothing) {
  script("cancel\n");
  const auto result = importAsking(pki_.aliceP12);
  EXPECT_NE(result.exitCode, 0);
  EXPECT_NE(result.output.find("cancelled"), std::string::npos) << result.output;
  EXPECT_EQ(shell("softhsm2-util --show-slots").output.find("78031215280"), std::string::npos);
}

TEST_F(InstallerTest, AnUntrustedKeystoreNeverCreatesAToken) {
  const auto untrusted = importP12(pki_.rogueP12);
  EXPECT_NE(untrusted.exitCode, 0);
  const auto tokens = shell("softhsm2-util --show-slots");
  EXPECT_EQ(tokens.output.find("eHealth 78031215280"), std::string::npos) << tokens.output;
}

TEST_F(InstallerTest, TrustAddThenListAndCertsList) {
  const auto add = install("trust add '" + pki_.root.string() + "'");
  ASSERT_EQ(add.exitCode, 0) << add.output;
  EXPECT_NE(install("trust add '" + pki_.aliceAuth.string() + "'").exitCode, 0);
  const auto list = install("trust list");
  ASSERT_EQ(list.exitCode, 0) << list.output;
  EXPECT_NE(list.output.find("CN=Belgium Root CA Test"), std::string::npos) << list.output;
  EXPECT_NE(list.output.find("CN=eHealth CA Test"), std::string::npos) << list.output;

  ASSERT_EQ(importP12(pki_.aliceP12).exitCode, 0);
  const auto certsList = install("certs list --revocation off --module " EHAGENT_SOFTHSM_MODULE);
  ASSERT_EQ(certsList.exitCode, 0) << certsList.output;
  EXPECT_NE(certsList.output.find("NIHII 10012378004"), std::string::npos) << certsList.output;
  EXPECT_NE(certsList.output.find("trust: trusted"), std::string::npos) << certsList.output;
}

TEST_F(InstallerTest, ClientsAddListRemove) {
  const auto add = install("clients add emr-one");
  ASSERT_EQ(add.exitCode, 0) << add.output;
  EXPECT_NE(install("clients add emr-one").exitCode, 0);
  const auto list = install("clients list");
  EXPECT_NE(list.output.find("emr-one"), std::string::npos) << list.output;
  EXPECT_EQ(install("clients remove emr-one").exitCode, 0);
  EXPECT_NE(install("clients remove emr-one").exitCode, 0);
}

TEST_F(InstallerTest, EverySubcommandHasHelpAndBadUsageFails) {
  for (const char* cmd : {"--help", "trust --help", "trust add --help", "certs import --help",
                          "certs list --help", "certs remove --help", "clients add --help",
                          "service install --help", "service uninstall --help", "doctor --help"}) {
    EXPECT_EQ(install(cmd).exitCode, 0) << cmd;
  }
  EXPECT_NE(install("").exitCode, 0);
  EXPECT_NE(install("certs import").exitCode, 0);
  EXPECT_NE(install("certs remove").exitCode, 0);
  EXPECT_NE(install("certs list --revocation sometimes").exitCode, 0);
  EXPECT_NE(install("service").exitCode, 0);
  EXPECT_NE(install("nonsense").exitCode, 0);
}

}  // namespace
}  // namespace ehagent::installer::testing
