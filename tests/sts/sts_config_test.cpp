// The [sts] configuration section: defaults, every key, and clear errors for bad input.
#include <gtest/gtest.h>

#include "sandbox/sandbox_pki.hpp"
#include "tests/sts/temp_dir.hpp"
#include "tokens/error.hpp"
#include "tokens/sts/settings.hpp"

namespace ehagent {
namespace {

class StsConfigTest : public ::testing::Test {
 protected:
  void SetUp() override { pki_ = sandbox::ensureSandboxPki(dir_.path()); }
  nlohmann::json minimal() const { return {{"trust", {pki_.sts_cert.string()}}}; }
  static std::string errorOf(const nlohmann::json& section) {
    try {
      tokens::stsSettingsFromJson(section);
    } catch (const tokens::Error& e) {
      EXPECT_EQ(e.code(), "invalid_input");
      return e.what();
    }
    return "no error";
  }
  sts_testing::TempDir dir_;
  sandbox::SandboxPki pki_;
};

TEST_F(StsConfigTest, DefaultsNeedOnlyTheTrust) {
  const auto s = tokens::stsSettingsFromJson(minimal());
  EXPECT_EQ(s.client.endpoint, "https://services-acpt.ehealth.fgov.be/IAM/SecurityTokenService/v1");
  EXPECT_EQ(s.client.token_lifetime, std::chrono::hours(24));
  ASSERT_EQ(s.client.sts_trust.size(), 1u);
  EXPECT_EQ(s.profession, "doctor");
  EXPECT_FALSE(s.persist_tokens);
  EXPECT_FALSE(s.client.http.allow_plain_loopback);
}

TEST_F(StsConfigTest, ReadsEveryKey) {
  auto j = minimal();
  j["endpoint"] = "https://127.0.0.1:9443/IAM/SecurityTokenService/v1";
  j["token_lifetime_seconds"] = 600;
  j["ca_file"] = pki_.ca_cert.string();
  j["read_timeout_ms"] = 1500;
  j["connect_attempts"] = 2;
  j["profession"] = "nurse";
  j["persist_tokens"] = true;
  const auto s = tokens::stsSettingsFromJson(j);
  EXPECT_EQ(s.client.token_lifetime, std::chrono::seconds(600));
  EXPECT_EQ(s.client.http.read_timeout, std::chrono::milliseconds(1500));
  EXPECT_EQ(s.client.http.connect_attempts, 2);
  EXPECT_EQ(s.profession, "nurse");
  EXPECT_TRUE(s.persist_tokens);
}

TEST_F(StsConfigTest, RefusesBadInputByName) {
  EXPECT_NE(errorOf(nlohmann::json::object()).find("trust"), std::string::npos);
  auto unknown = minimal();
  unknown["endpiont"] = "x";
  EXPECT_NE(errorOf(unknown).find("endpiont"), std::string::npos);
  auto lifetime = minimal();
  lifetime["token_lifetime_seconds"] = -5;
  EXPECT_NE(errorOf(lifetime).find("token_lifetime_seconds"), std::string::npos);
  auto wrong_type = minimal();
  wrong_type["connect_attempts"] = "three";
  EXPECT_NE(errorOf(wrong_type).find("connect_attempts"), std::string::npos);
  auto endpoint = minimal();
  endpoint["endpoint"] = "ftp://sts";
  EXPECT_NE(errorOf(endpoint).find("scheme"), std::string::npos);
  auto missing = minimal();
  missing["trust"] = {(dir_.path() / "nope.pem").string()};
  EXPECT_NE(errorOf(missing).find("nope.pem"), std::string::npos);
  auto profession = minimal();
  profession["profession"] = "astronaut";
  EXPECT_THROW(tokens::stsSettingsFromJson(profession), tokens::Error);
}

}  // namespace
}  // namespace ehagent
