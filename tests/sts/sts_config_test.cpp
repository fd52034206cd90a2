// The [sts] section of agent.toml: defaults, every key, and clear errors for bad input, all at
// load (the same path `serve --check-config` takes).
#include <gtest/gtest.h>

#include "agent/config/config.hpp"
#include "sandbox/sandbox_pki.hpp"
#include "tests/support/support.hpp"

namespace ehagent {
namespace {

class StsConfigTest : public ::testing::Test {
 protected:
  void SetUp() override { pki_ = sandbox::ensureSandboxPki(dir_.path()); }
  std::string minimal() const { return "[sts]\ntrust = [\"" + pki_.sts_cert.string() + "\"]\n"; }
  static std::string errorOf(const std::string& toml) {
    try {
      agent::parseConfig(toml, "agent.toml");
    } catch (const agent::ConfigError& e) {
      return e.what();
    }
    return "no error";
  }
  testsupport::TempDir dir_{"ehagent-sts"};
  sandbox::SandboxPki pki_;
};

TEST_F(StsConfigTest, NoSectionMeansNoSts) { EXPECT_FALSE(agent::parseConfig("", "agent.toml").sts); }

TEST_F(StsConfigTest, DefaultsNeedOnlyTheTrust) {
  const auto s = agent::parseConfig(minimal(), "agent.toml").sts;
  ASSERT_TRUE(s);
  EXPECT_EQ(s->client.endpoint, "https://services-acpt.ehealth.fgov.be/IAM/SecurityTokenService/v1");
  EXPECT_EQ(s->client.token_lifetime, std::chrono::hours(24));
  ASSERT_EQ(s->client.sts_trust.size(), 1u);
  EXPECT_EQ(s->profession, "doctor");
  EXPECT_FALSE(s->persist_tokens);
  EXPECT_FALSE(s->client.http.allow_plain_loopback);
}

TEST_F(StsConfigTest, ReadsEveryKey) {
  const auto s = agent::parseConfig(minimal() + R"(endpoint = "https://127.0.0.1:9443/IAM/SecurityTokenService/v1"
token_lifetime_seconds = 600
ca_file = ")" + pki_.ca_cert.string() + R"("
ca_dir = "/etc/ssl/certs"
connect_timeout_ms = 700
read_timeout_ms = 1500
connect_attempts = 2
profession = "nurse"
persist_tokens = true
allow_plain_loopback = true
)", "agent.toml").sts;
  ASSERT_TRUE(s);
  EXPECT_EQ(s->client.endpoint, "https://127.0.0.1:9443/IAM/SecurityTokenService/v1");
  EXPECT_EQ(s->client.token_lifetime, std::chrono::seconds(600));
  EXPECT_EQ(s->client.http.ca_file, pki_.ca_cert.string());
  EXPECT_EQ(s->client.http.ca_dir, "/etc/ssl/certs");
  EXPECT_EQ(s->client.http.connect_timeout, std::chrono::milliseconds(700));
  EXPECT_EQ(s->client.http.read_timeout, std::chrono::milliseconds(1500));
  EXPECT_EQ(s->client.http.connect_attempts, 2);
  EXPECT_EQ(s->profession, "nurse");
  EXPECT_TRUE(s->persist_tokens);
  EXPECT_TRUE(s->client.http.allow_plain_loopback);
}

TEST_F(StsConfigTest, RefusesBadInputAtLoadByName) {
  EXPECT_NE(errorOf("[sts]\nendpoint = \"https://sts.example\"\n").find("sts.trust"), std::string::npos);
  EXPECT_NE(errorOf(minimal() + "endpiont = \"x\"\n").find("sts.endpiont"), std::string::npos);
  EXPECT_NE(errorOf(minimal() + "token_lifetime_seconds = -5\n").find("sts.token_lifetime_seconds"),
            std::string::npos);
  EXPECT_NE(errorOf(minimal() + "connect_attempts = \"three\"\n").find("sts.connect_attempts"), std::string::npos);
  EXPECT_NE(errorOf(minimal() + "endpoint = \"ftp://sts\"\n").find("scheme"), std::string::npos);
  EXPECT_NE(errorOf("[sts]\ntrust = [\"" + (dir_.path() / "nope.pem").string() + "\"]\n").find("nope.pem"),
            std::string::npos);
  EXPECT_NE(errorOf(minimal() + "profession = \"astronaut\"\n").find("sts.profession"), std::string::npos);
  EXPECT_NE(errorOf("sts = 3\n").find("'sts' must be a table"), std::string::npos);
}

}  // namespace
}  // namespace ehagent
