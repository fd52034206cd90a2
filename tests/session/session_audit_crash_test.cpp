// The audit under a kill -9: four clients ask for practitioner JWTs as fast as the card signs,
// and the agent is killed at a different point in each of three rounds. Afterwards
// `ehagent audit verify` finds the chain whole, and every JWT a client received has its row: the
// SHA-256 of its signing input, recomputed here from the token itself.
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <mutex>
#include <set>
#include <thread>

#include "core/digest.hpp"
#include "tests/session/agent_harness.hpp"

namespace ehagent::sessiontest {
namespace {

constexpr const char* kJwt = R"({"kind":"practitioner","audience":"https://emr.example"})";

class AuditCrashTest : public ::testing::Test {
 protected:
  void startAndLogIn() {
    agent_.setPinScript("pin 1234\npin 1234\n");
    agent_.start();
    ASSERT_TRUE(agent_.waitForStatus([](const nlohmann::json& s) {
      return s["practitioner"].is_object() && s["practitioner"].value("ssin", "") == "78031215280";
    })) << agent_.stderrLog();
    const HttpResult login = agent_.request("POST", "/v1/session");
    ASSERT_EQ(login.status, 200) << login.body;
  }

  // Runs four clients until `kill_after` JWTs were answered, then kills the agent under them.
  // Returns the signing inputs' hashes of every JWT answered, before and after the kill.
  std::set<std::string> killUnderLoad(int kill_after) {
    std::atomic<int> answered{0};
    std::atomic<bool> killed{false};
    std::mutex mutex;
    std::set<std::string> hashes;
    std::vector<std::thread> clients;
    for (int c = 0; c < 4; ++c) {
      clients.emplace_back([&, c] {
        while (!killed) {
          HttpResult r;
          try {
            r = agent_.request("POST", "/v1/tokens/jwt", kJwt, c % 2 == 1);
          } catch (const std::exception&) {
            continue;  // the agent is gone
          }
          if (r.status != 200) continue;
          const std::string jwt = r.json()["jwt"].get<std::string>();
          std::lock_guard lock(mutex);
          hashes.insert(sha256Hex(jwt.substr(0, jwt.rfind('.'))));
          ++answered;
        }
      });
    }
    while (answered < kill_after) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    agent_.stop(SIGKILL);
    killed = true;
    for (auto& client : clients) client.join();
    return hashes;
  }

  std::set<std::string> auditedHashes() {
    const auto list = testsupport::runCommand({testsupport::agentExe(), "audit", "list", "--json", "--operation",
                                               "jwt-practitioner", "--state-dir", (agent_.dir() / "state").string()});
    EXPECT_EQ(list.exitCode, 0) << list.err;
    std::set<std::string> hashes;
    for (const auto& row : nlohmann::json::parse(list.out)) {
      if (row["signed_sha256"].is_string()) hashes.insert(row["signed_sha256"].get<std::string>());
    }
    return hashes;
  }

  AgentHarness agent_;
};

TEST_F(AuditCrashTest, AKillNineLeavesAWholeChainAndARowForEveryAnsweredJwt) {
  std::set<std::string> answered;
  for (const int kill_after : {5, 40, 120}) {
    ASSERT_NO_FATAL_FAILURE(startAndLogIn());
    const auto round = killUnderLoad(kill_after);
    ASSERT_GE(round.size(), static_cast<std::size_t>(kill_after));
    answered.insert(round.begin(), round.end());

    const auto verify = testsupport::runCommand(
        {testsupport::agentExe(), "audit", "verify", "--state-dir", (agent_.dir() / "state").string()});
    EXPECT_EQ(verify.exitCode, 0) << verify.out << verify.err;
    EXPECT_NE(verify.out.find("audit chain ok"), std::string::npos) << verify.out;
    const auto audited = auditedHashes();
    for (const std::string& hash : answered) EXPECT_TRUE(audited.contains(hash)) << "no audit row for " << hash;
  }
}

}  // namespace
}  // namespace ehagent::sessiontest
