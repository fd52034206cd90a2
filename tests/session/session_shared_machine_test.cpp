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

}  // namespace
}  // namespace ehagent::sessiontest
