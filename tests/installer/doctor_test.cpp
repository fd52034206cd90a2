#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>

#include "tests/certs/ocsp_responder.hpp"
#include "tests/installer/installer_fixture.hpp"
#include "tests/support/sandbox_process.hpp"

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

nlohmann::json checksByName(const std::string& output) {
  const auto report = nlohmann::json::parse(output, nullptr, false);
  nlohmann::json byName = nlohmann::json::object();
  if (!report.is_object()) return byName;
  for (const auto& check : report["checks"]) byName[check["name"].get<std::string>()] = check;
  return byName;
}

// What a login needs beyond the cards: a PIN dialog that can show, the user manager, the eID
// middleware, the STS and each hub over verified TLS. The doctor looks and creates nothing.
TEST_F(InstallerTest, DoctorChecksWhatALoginNeedsAndCreatesNothing) {
  const testsupport::SandboxProcess sandbox;
  const std::string ca = testsupport::SpecimenCopy::pki("sandbox-ca.pem").string();
  writeConfig("pinentry = \"auto\"\n[sts]\nendpoint = \"" + sandbox.base() + "/IAM/SecurityTokenService/v1\"\n" +
              "trust = [\"" + testsupport::SpecimenCopy::pki("sandbox-sts.pem").string() + "\"]\nca_file = \"" + ca +
              "\"\n[hubs.up]\nendpoint = \"" + sandbox.base() + "/hubservices/intrahub/v3\"\nhub_id = \"1990000035\"\n" +
              "ca_file = \"" + ca + "\"\n[hubs.down]\nendpoint = \"https://127.0.0.1:" +
              std::to_string(testsupport::freePort()) + "/hub\"\nhub_id = \"1990000035\"\nca_file = \"" + ca + "\"\n");
  const auto result = shell("DISPLAY= WAYLAND_DISPLAY= '" EHAGENT_INSTALL_BIN "' --state-dir '" +
                            (dir_.path() / "state").string() + "' --config '" + (dir_.path() / "agent.toml").string() +
                            "' doctor --json");
  const nlohmann::json checks = checksByName(result.output);
  ASSERT_TRUE(checks.contains("pin_dialog")) << result.output;
  EXPECT_EQ(checks["config"]["state"], "ok") << checks.dump(1);
  EXPECT_EQ(checks["pin_dialog"]["state"], "fail") << checks.dump(1);
  EXPECT_NE(checks["pin_dialog"]["detail"].get<std::string>().find("pinentry-gnome3"), std::string::npos);
  EXPECT_EQ(checks["user_manager"]["state"], "warn") << checks.dump(1);  // the fixture has no bus
  EXPECT_TRUE(checks.contains("eid_middleware")) << checks.dump(1);
  EXPECT_EQ(checks["sts"]["state"], "ok") << checks.dump(1);
  EXPECT_EQ(checks["hub up"]["state"], "ok") << checks.dump(1);
  EXPECT_EQ(checks["hub down"]["state"], "fail") << checks.dump(1);
  EXPECT_NE(checks["hub down"]["detail"].get<std::string>().find("cannot connect"), std::string::npos);
  EXPECT_EQ(result.exitCode, 1);
  EXPECT_FALSE(fs::exists(dir_.path() / "state")) << "the doctor created the state dir it checks";
}

// A config the agent refuses is reported first, and the rest is still checked with the defaults.
TEST_F(InstallerTest, DoctorReportsAConfigThatDoesNotLoadAndChecksTheRest) {
  writeConfig("listen = [\n");
  const auto result = install("doctor --json");
  const nlohmann::json checks = checksByName(result.output);
  ASSERT_TRUE(checks.contains("config")) << result.output;
  EXPECT_EQ(checks["config"]["state"], "fail");
  EXPECT_NE(checks["config"]["detail"].get<std::string>().find("agent.toml"), std::string::npos) << checks.dump(1);
  EXPECT_TRUE(checks.contains("pcscd") && checks.contains("agent") && checks.contains("pin_dialog")) << checks.dump(1);
  EXPECT_EQ(result.exitCode, 1);
}

}  // namespace
}  // namespace ehagent::installer::testing
