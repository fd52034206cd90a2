#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>

#include "tests/certs/ocsp_responder.hpp"
#include "tests/installer/installer_fixture.hpp"

namespace ehagent::installer::testing {
namespace {

TEST_F(InstallerTest, DoctorJsonReportsEveryCheckWithAState) {
  ASSERT_EQ(importP12(pki_.aliceP12).exitCode, 0);
  certs::testing::OcspResponder responder(pki_);  // so that the certificate's revocation is known
  writeConfig("[revocation]\nocsp_responder = \"" + responder.url() + "\"\n");
  const auto result = install("doctor --json --module " EHAGENT_SOFTHSM_MODULE);
  const auto json = nlohmann::json::parse(result.output, nullptr, false);
  ASSERT_FALSE(json.is_discarded()) << result.output;
  std::set<std::string> names;
  for (const auto& check : json.at("checks")) {
    const auto state = check.at("state").get<std::string>();
    EXPECT_TRUE(state == "ok" || state == "warn" || state == "fail") << check.dump();
    EXPECT_TRUE(check.contains("detail"));
    EXPECT_TRUE(check.contains("hint"));
    names.insert(check.at("name").get<std::string>());
  }
  for (const char* expected : {"pkcs11_modules", "pcscd", "tokens", "trust_store", "agent", "port",
                               "state_dir", "certificate eHealth 78031215280/authentication"}) {
    EXPECT_TRUE(names.count(expected)) << expected << " missing in " << result.output;
  }
  for (const auto& check : json.at("checks")) {
    if (check.at("name") == "certificate eHealth 78031215280/authentication") {
      EXPECT_EQ(check.at("state"), "ok") << check.dump();
    }
    if (check.at("name") == "tokens") EXPECT_EQ(check.at("state"), "ok") << check.dump();
  }
  EXPECT_EQ(result.exitCode, json.at("ok").get<bool>() ? 0 : 1);
}

}  // namespace
}  // namespace ehagent::installer::testing
