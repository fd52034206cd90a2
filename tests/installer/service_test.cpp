#include <gtest/gtest.h>

#include <sstream>

#include "tests/installer/installer_fixture.hpp"

namespace ehagent::installer::testing {
namespace {

// The fixture's environment has no systemd user manager (see InstallerTest::env).
class ServiceTest : public InstallerTest {
 protected:
  fs::path unitFile() const { return dir_.path() / "xdg-config" / "systemd" / "user" / "ehagent.service"; }

  std::string execStart() const {
    std::istringstream unit(readFile(unitFile()));
    for (std::string line; std::getline(unit, line);) {
      if (line.rfind("ExecStart=", 0) == 0) return line.substr(10);
    }
    return {};
  }
};

TEST_F(ServiceTest, InstallWritesTheUserUnitAndSaysSystemdIsNotRunning) {
  writeConfig("listen = \"127.0.0.1:17999\"\n");
  const auto result = install("service install --agent-binary " EHAGENT_AGENT_BIN);
  EXPECT_EQ(result.exitCode, 3) << result.output;
  EXPECT_NE(result.output.find("wrote " + unitFile().string()), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("systemd is not running for this user"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("systemctl --user daemon-reload && systemctl --user enable --now ehagent.service"),
            std::string::npos)
      << result.output;

  ASSERT_TRUE(fs::exists(unitFile()));
  const std::string expected = std::string(EHAGENT_AGENT_BIN) + " serve --config " +
                               (dir_.path() / "agent.toml").string() + " --state-dir " +
                               (dir_.path() / "state").string() + " --bundled-trust " +
                               (dir_.path() / "bundled").string();
  EXPECT_EQ(execStart(), expected);
  const std::string unit = readFile(unitFile());
  for (const char* line : {"\nNoNewPrivileges=yes\n", "\nUMask=0077\n", "\nRestart=on-failure\n",
                           "\n[Install]\nWantedBy=default.target\n"}) {
    EXPECT_NE(unit.find(line), std::string::npos) << line << " missing in\n" << unit;
  }
  EXPECT_NE(result.output.find(unit), std::string::npos) << "the unit is printed as written";

  // The agent itself accepts the arguments the unit gives it.
  const auto check = shell(expected + " --check-config");
  EXPECT_EQ(check.exitCode, 0) << check.output;
  EXPECT_NE(check.output.find("config ok"), std::string::npos) << check.output;
}

TEST_F(ServiceTest, NoEnableOnlyWritesAndFindsTheAgentOnPath) {
  const std::string agentDir = fs::path(EHAGENT_AGENT_BIN).parent_path().string();
  const auto result = shell("PATH='" + agentDir + "':\"$PATH\" '" EHAGENT_INSTALL_BIN "' --state-dir '" +
                            (dir_.path() / "state").string() + "' service install --no-enable");
  EXPECT_EQ(result.exitCode, 0) << result.output;
  EXPECT_NE(result.output.find("not enabled (--no-enable)"), std::string::npos) << result.output;
  // No agent.toml exists: the unit leaves --config out, since `serve --config` needs the file.
  EXPECT_NE(result.output.find("does not exist yet"), std::string::npos) << result.output;
  EXPECT_EQ(execStart(), std::string(EHAGENT_AGENT_BIN) + " serve --state-dir " + (dir_.path() / "state").string());
}

TEST_F(ServiceTest, PathsWithSpacesAndPercentSignsAreQuotedForSystemd) {
  const fs::path state = dir_.path() / "state 100%";
  const auto result = shell("'" EHAGENT_INSTALL_BIN "' --state-dir '" + state.string() +
                            "' service install --no-enable --agent-binary " EHAGENT_AGENT_BIN);
  ASSERT_EQ(result.exitCode, 0) << result.output;
  EXPECT_EQ(execStart(), std::string(EHAGENT_AGENT_BIN) + " serve --state-dir \"" + (dir_.path() / "state 100%%").string() + "\"");
}

TEST_F(ServiceTest, AMissingAgentBinaryIsRefusedAndNothingIsWritten) {
  const auto result = install("service install --agent-binary '" + (dir_.path() / "no-ehagent").string() + "'");
  EXPECT_EQ(result.exitCode, 1) << result.output;
  EXPECT_NE(result.output.find("agent_not_found"), std::string::npos) << result.output;
  EXPECT_FALSE(fs::exists(unitFile()));
}

TEST_F(ServiceTest, UninstallRemovesTheUnitAndTheEnableLink) {
  ASSERT_EQ(install("service install --no-enable --agent-binary " EHAGENT_AGENT_BIN).exitCode, 0);
  // What `systemctl --user enable` leaves behind, should systemd have run earlier.
  const fs::path wants = unitFile().parent_path() / "default.target.wants" / "ehagent.service";
  fs::create_directories(wants.parent_path());
  fs::create_symlink(unitFile(), wants);

  const auto result = install("service uninstall");
  EXPECT_EQ(result.exitCode, 0) << result.output;
  EXPECT_FALSE(fs::exists(unitFile()));
  EXPECT_FALSE(fs::is_symlink(wants));
  EXPECT_NE(result.output.find("removed " + unitFile().string()), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("systemd is not running for this user"), std::string::npos) << result.output;

  const auto again = install("service uninstall");
  EXPECT_EQ(again.exitCode, 0) << again.output;
  EXPECT_NE(again.output.find("nothing to remove"), std::string::npos) << again.output;
}

}  // namespace
}  // namespace ehagent::installer::testing
