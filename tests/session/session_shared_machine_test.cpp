// A terminal server: the practitioner's agent runs in one account, and any other local account can
// reach its loopback port. Another account, made by the test, asks GET /v1/status without a key
// and learns the version only: not who is logged in, not whose card is in the second reader.
#include <gtest/gtest.h>

#include "tests/session/agent_harness.hpp"
#include "tests/support/support.hpp"

namespace ehagent::sessiontest {
namespace {

constexpr const char* kAliceSsin = "78031215280";
constexpr const char* kBobSsin = "82110523358";  // his eID is the patient's card here

bool bothCardsRead(const nlohmann::json& s) {
  bool bob = false;
  for (const auto& reader : s["readers"]) bob = bob || reader.value("token", "") == "Bob SPECIMEN";
  return bob && s["practitioner"].is_object() && s["practitioner"].value("ssin", "") == kAliceSsin;
}

TEST(SessionSharedMachine, AnotherAccountLearnsOnlyTheVersionFromStatus) {
  if (!testsupport::isRoot()) GTEST_SKIP() << "creating a second local account needs root";
  const testsupport::LocalUser other_account;
  AgentHarness agent;
  agent.start({8, "pin 1234\npin 1234\n"});
  ASSERT_TRUE(agent.waitForStatus(bothCardsRead)) << agent.stderrLog();
  ASSERT_EQ(agent.request("POST", "/v1/session").status, 200);
  const HttpResult client = agent.request("GET", "/v1/status");
  ASSERT_NE(client.body.find(kBobSsin), std::string::npos) << "a client is told about the patient's card";

  const std::string url = "http://127.0.0.1:" + std::to_string(agent.port()) + "/v1/status";
  const auto other = other_account.runAs({"curl", "-sS", "--fail-with-body", url});
  ASSERT_EQ(other.exitCode, 0) << other.err;
  const auto body = nlohmann::json::parse(other.out, nullptr, false);
  ASSERT_TRUE(body.is_object()) << other.out;
  EXPECT_EQ(body.size(), 1U) << other.out;
  EXPECT_TRUE(body["version"].is_string()) << other.out;
  for (const char* ssin : {kAliceSsin, kBobSsin}) EXPECT_EQ(other.out.find(ssin), std::string::npos) << other.out;
  EXPECT_EQ(other.out.find("SPECIMEN"), std::string::npos) << other.out;

  // The Unix socket is not even reachable from the other account.
  const auto through_socket = other_account.runAs(
      {"curl", "-sS", "--unix-socket", (agent.dir() / "api.sock").string(), "http://localhost/v1/status"});
  EXPECT_NE(through_socket.exitCode, 0) << through_socket.out;
}

// The doctor's check of the agent, as `json` reports it.
nlohmann::json agentCheck(const testsupport::CommandResult& doctor) {
  const auto report = nlohmann::json::parse(doctor.out, nullptr, false);
  if (!report.is_object()) return nullptr;
  for (const auto& check : report["checks"]) {
    if (check["name"] == "agent") return check;
  }
  return nullptr;
}

// Another account's doctor, with the same listen address, must not take this agent for its own:
// the listener's owner tells them apart, and the doctor says what to change.
TEST(SessionSharedMachine, DoctorInAnotherAccountSaysTheAgentOnThePortIsNotTheirs) {
  if (!testsupport::isRoot()) GTEST_SKIP() << "creating a second local account needs root";
  const testsupport::LocalUser other_account;
  AgentHarness agent;
  agent.start();
  ASSERT_TRUE(agent.waitForStatus([](const nlohmann::json& s) { return s.contains("readers"); })) << agent.stderrLog();
  const testsupport::TempDir shared("ehagent-doctor");
  fs::permissions(shared.path(), fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                                     fs::perms::others_read | fs::perms::others_exec);
  const fs::path config = shared / "agent.toml";
  testsupport::writeFile(config, "listen = \"127.0.0.1:" + std::to_string(agent.port()) + "\"\nsocket = \"" +
                                     (agent.dir() / "api.sock").string() + "\"\n");
  fs::permissions(config, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read | fs::perms::others_read);
  const std::vector<std::string> doctor = {EHAGENT_INSTALL, "--config", config.string(), "--state-dir",
                                           (shared / "state").string(), "doctor", "--json"};

  const nlohmann::json theirs = agentCheck(other_account.runAs(doctor));
  ASSERT_TRUE(theirs.is_object()) << other_account.runAs(doctor).out << other_account.runAs(doctor).err;
  EXPECT_EQ(theirs["state"], "fail") << theirs.dump();
  EXPECT_NE(theirs["detail"].get<std::string>().find("another user's, root (uid 0)"), std::string::npos) << theirs.dump();
  EXPECT_NE(theirs["hint"].get<std::string>().find("a port of their own"), std::string::npos) << theirs.dump();

  const nlohmann::json mine = agentCheck(testsupport::runCommand(doctor));
  ASSERT_TRUE(mine.is_object());
  EXPECT_EQ(mine["state"], "ok") << mine.dump();
  EXPECT_NE(mine["detail"].get<std::string>().find("yours"), std::string::npos) << mine.dump();
  EXPECT_NE(mine["detail"].get<std::string>().find("api.sock"), std::string::npos) << mine.dump();
  EXPECT_FALSE(fs::exists(shared / "state")) << "the doctor created what it checks";
}

}  // namespace
}  // namespace ehagent::sessiontest
