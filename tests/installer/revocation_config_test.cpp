#include <gtest/gtest.h>
#include <sys/stat.h>

#include <nlohmann/json.hpp>

#include "tests/certs/ocsp_responder.hpp"
#include "tests/installer/installer_fixture.hpp"

namespace ehagent::installer::testing {
namespace {

const std::string alice_check = "certificate eHealth 78031215280/authentication";

// The [revocation] section of agent.toml drives `certs list` and `doctor`.
class RevocationConfigTest : public InstallerTest {
 protected:
  void SetUp() override {
    InstallerTest::SetUp();
    ASSERT_EQ(importP12(pki_.aliceP12).exitCode, 0);
  }
  // Nothing listens on port 1 of loopback: a responder that does not answer. OpenSSL retries a
  // refused connection until the timeout, so the timeout is the shortest allowed.
  void configure(const std::string& policy, const std::string& responder = "http://127.0.0.1:1/",
                 const std::string& extra = "") const {
    writeConfig("[revocation]\npolicy = \"" + policy + "\"\nocsp_responder = \"" + responder +
                "\"\nfetch_crl_distribution_points = false\ntimeout_seconds = 1\n" + extra);
  }
  Outcome list() const { return install("certs list --module " EHAGENT_SOFTHSM_MODULE); }
  nlohmann::json doctorCheck(int& exitCode) const {
    const auto result = install("doctor --json --module " EHAGENT_SOFTHSM_MODULE);
    exitCode = result.exitCode;
    const auto json = nlohmann::json::parse(result.output, nullptr, false);
    if (json.is_discarded()) return {{"unparsed", result.output}};
    for (const auto& check : json.at("checks")) {
      if (check.at("name") == alice_check) return check;
    }
    return {{"missing", result.output}};
  }
};

TEST_F(RevocationConfigTest, StrictWithAnUnreachableResponderIsReportedAsARefusal) {
  configure("strict");
  const auto listed = list();
  EXPECT_EQ(listed.exitCode, 0) << listed.output;
  EXPECT_NE(listed.output.find("revocation: refused (revocation_unknown, policy strict)"), std::string::npos)
      << listed.output;
  EXPECT_NE(listed.output.find("http://127.0.0.1:1/"), std::string::npos) << listed.output;

  int exitCode = -1;
  const auto check = doctorCheck(exitCode);
  EXPECT_EQ(check.value("state", ""), "fail") << check.dump();
  EXPECT_NE(check.value("detail", "").find("revocation_unknown"), std::string::npos) << check.dump();
  EXPECT_NE(check.value("hint", "").find("soft-fail"), std::string::npos) << check.dump();
  EXPECT_EQ(exitCode, 1);
}

TEST_F(RevocationConfigTest, SoftFailWarnsAndOffDoesNotAsk) {
  configure("soft-fail");
  EXPECT_NE(list().output.find("revocation: unknown (soft-fail, continuing)"), std::string::npos);
  int exitCode = -1;
  EXPECT_EQ(doctorCheck(exitCode).value("state", ""), "warn");

  configure("off");
  EXPECT_NE(list().output.find("revocation: not_checked (revocation checking is off)"), std::string::npos);
  EXPECT_EQ(doctorCheck(exitCode).value("state", ""), "ok");
  // The command line overrides the configured policy.
  EXPECT_NE(install("certs list --revocation strict --module " EHAGENT_SOFTHSM_MODULE)
                .output.find("refused (revocation_unknown, policy strict)"),
            std::string::npos);
}

TEST_F(RevocationConfigTest, AGoodAnswerIsCachedInTheStateDirUntilNextUpdate) {
  certs::testing::OcspResponder responder(pki_);
  configure("strict", responder.url());
  const auto good = list();
  EXPECT_NE(good.output.find("revocation: good (ocsp " + responder.url() + ")"), std::string::npos) << good.output;
  int exitCode = -1;
  EXPECT_EQ(doctorCheck(exitCode).value("state", ""), "ok");

  const fs::path cache = dir_.path() / "state" / "revocation-cache";
  struct stat st {};
  ASSERT_EQ(::stat(cache.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  // The responder is gone; a new process still has the answer until nextUpdate.
  responder.stop();
  const auto cached = list();
  EXPECT_NE(cached.output.find("revocation: good (cache (ocsp " + responder.url() + "))"), std::string::npos)
      << cached.output;

  configure("strict", responder.url(), "cache = false\n");
  EXPECT_NE(list().output.find("refused (revocation_unknown"), std::string::npos);
}

TEST_F(RevocationConfigTest, AMistypedSectionStopsTheCommandNamingTheKey) {
  writeConfig("[revocation]\npolicy = \"sometimes\"\n");
  const auto result = list();
  EXPECT_NE(result.exitCode, 0);
  EXPECT_NE(result.output.find("'revocation.policy'"), std::string::npos) << result.output;
}

}  // namespace
}  // namespace ehagent::installer::testing
