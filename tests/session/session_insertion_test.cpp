// login_on_insert over the real agent, the fault module and the scripted pinentry: inserting
// Alice's eID logs her in (the events in order), pulling it logs her out, a patient's eID starts
// nothing, a cancelled or wrong PIN ends the attempt without a retry, and a client's
// POST /v1/session during the insertion's login joins it instead of asking again.
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <thread>

#include "tests/session/agent_harness.hpp"

namespace ehagent::sessiontest {
namespace {

// Lines of the transcript that ask a PIN: each is one dialog shown to the practitioner.
int pinQuestions(const std::string& transcript) {
  int n = 0;
  for (std::size_t at = transcript.find("GETPIN"); at != std::string::npos; at = transcript.find("GETPIN", at + 1)) ++n;
  return n;
}

class InsertionLoginTest : public ::testing::Test {
 protected:
  // The agent starts with Alice's eID out, so that the test inserts it.
  void start(const std::string& script) {
    agent_.fault().removeCard(kAliceEid);
    agent_.setPinScript(script);
    AgentSettings settings;
    settings.login_on_insert = true;
    agent_.start(settings);
    ASSERT_TRUE(agent_.waitForStatus([](const nlohmann::json& s) { return s.contains("readers"); }));
  }

  // Waits for `needle` in the stream while `action` runs; the stream as read.
  std::string eventsUntil(const std::string& needle, const std::function<void()>& action) {
    return agent_.readEventsUntil(needle, action, std::chrono::seconds(30));
  }

  AgentHarness agent_;
};

std::size_t at(const std::string& text, const std::string& needle) { return text.find(needle); }

TEST_F(InsertionLoginTest, InsertingTheEidLogsInAndPullingItLogsOut) {
  start("pin 1234\npin 1234\n");
  const std::string events = eventsUntil("event: session.login", [&] { agent_.fault().insertCard(kAliceEid); });
  ASSERT_NE(at(events, "event: session.login"), std::string::npos) << events << agent_.stderrLog();
  EXPECT_LT(at(events, "event: card.inserted"), at(events, "event: card.identified")) << events;
  EXPECT_LT(at(events, "event: card.identified"), at(events, "event: session.login")) << events;
  EXPECT_TRUE(agent_.waitForStatus([](const nlohmann::json& s) {
    return s["session"].is_object() && s["session"].value("logged_in", false);
  }));
  EXPECT_EQ(agent_.fault().loginCount(kAliceEid), 1u);
  EXPECT_NE(agent_.transcript().find("eID inserted"), std::string::npos) << agent_.transcript();

  // A client's POST /v1/session now joins the session without a PIN (the script has none left).
  const HttpResult joined = agent_.request("POST", "/v1/session");
  EXPECT_EQ(joined.status, 200) << joined.body;

  const std::string out = eventsUntil("event: session.logout", [&] { agent_.fault().removeCard(kAliceEid); });
  EXPECT_NE(at(out, "event: session.logout"), std::string::npos) << out;
  EXPECT_TRUE(agent_.waitForStatus([](const nlohmann::json& s) { return s["session"].is_null(); }));
  const auto rows = agent_.request("GET", "/v1/audit?operation=login").json()["rows"];
  ASSERT_GE(rows.size(), 1u) << rows.dump();
  EXPECT_EQ(rows[0]["client"], "ehagent (eID inserted)") << rows.dump();
  EXPECT_EQ(rows[0]["outcome"], "ok") << rows.dump();
}

// Bob's eID has no eHealth token here: it is a patient's card, and a patient's card is read, not
// logged in to.
TEST_F(InsertionLoginTest, APatientsEidStartsNothing) {
  start("pin 1234\npin 1234\n");
  agent_.fault().removeCard("Bob SPECIMEN");
  const std::string events = eventsUntil("event: card.inserted", [&] { agent_.fault().insertCard("Bob SPECIMEN"); });
  ASSERT_NE(at(events, "event: card.inserted"), std::string::npos) << events;
  std::this_thread::sleep_for(std::chrono::seconds(2));
  EXPECT_EQ(agent_.fault().loginCount("Bob SPECIMEN"), 0u);
  EXPECT_EQ(pinQuestions(agent_.transcript()), 0) << agent_.transcript();
  EXPECT_TRUE(agent_.request("GET", "/v1/status").json()["session"].is_null());
}

TEST_F(InsertionLoginTest, ACancelledPinSpendsNoTryAndIsNotRetried) {
  start("cancel\npin 1234\npin 1234\n");
  const std::string events = eventsUntil("event: session.login_failed", [&] { agent_.fault().insertCard(kAliceEid); });
  ASSERT_NE(at(events, "event: session.login_failed"), std::string::npos) << events << agent_.stderrLog();
  EXPECT_NE(events.find("pin_cancelled"), std::string::npos) << events;
  std::this_thread::sleep_for(std::chrono::seconds(2));
  EXPECT_EQ(pinQuestions(agent_.transcript()), 1) << "the cancelled PIN was asked again: " << agent_.transcript();
  EXPECT_EQ(agent_.fault().loginCount(kAliceEid), 0u);
  EXPECT_TRUE(agent_.request("GET", "/v1/status").json()["session"].is_null());

  // The next attempt is the client's.
  const HttpResult login = agent_.request("POST", "/v1/session");
  EXPECT_EQ(login.status, 200) << login.body;
}

TEST_F(InsertionLoginTest, AWrongPinCostsOneTryAndIsNotRetried) {
  start("pin 9999\npin 1234\npin 1234\n");
  const std::string events = eventsUntil("event: session.login_failed", [&] { agent_.fault().insertCard(kAliceEid); });
  ASSERT_NE(events.find("pin_incorrect"), std::string::npos) << events << agent_.stderrLog();
  std::this_thread::sleep_for(std::chrono::seconds(2));
  EXPECT_EQ(agent_.fault().loginCount(kAliceEid), 1u) << "the agent retried the PIN on its own";
  EXPECT_EQ(pinQuestions(agent_.transcript()), 1) << agent_.transcript();
}

// The practitioner is still typing when the client asks: the client waits for that login and
// gets its session, and no second dialog opens.
TEST_F(InsertionLoginTest, AClientLoginDuringTheInsertionsLoginJoinsIt) {
  start("slow 2500 pin 1234\npin 1234\n");
  agent_.fault().insertCard(kAliceEid);
  for (int i = 0; i < 200 && pinQuestions(agent_.transcript()) == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  ASSERT_EQ(pinQuestions(agent_.transcript()), 1) << agent_.transcript() << agent_.stderrLog();
  const HttpResult joined = agent_.request("POST", "/v1/session");
  ASSERT_EQ(joined.status, 200) << joined.body << agent_.stderrLog();
  EXPECT_EQ(joined.json()["practitioner"]["ssin"], "78031215280") << joined.body;
  EXPECT_EQ(joined.json()["session"]["logged_in"], true) << joined.body;
  EXPECT_EQ(pinQuestions(agent_.transcript()), 2) << "eID and eHealth once each: " << agent_.transcript();
  EXPECT_EQ(agent_.fault().loginCount(kAliceEid), 1u);
}

// Joining a login that then fails gives the client that login's problem, not a prompt of its own.
TEST_F(InsertionLoginTest, AClientThatJoinedAFailedLoginGetsItsProblem) {
  start("slow 1500 pin 9999\npin 1234\npin 1234\n");
  agent_.fault().insertCard(kAliceEid);
  for (int i = 0; i < 200 && pinQuestions(agent_.transcript()) == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  const HttpResult joined = agent_.request("POST", "/v1/session");
  EXPECT_EQ(joined.status, 403) << joined.body;
  EXPECT_EQ(joined.json()["code"], "pin_incorrect") << joined.body;
  EXPECT_EQ(pinQuestions(agent_.transcript()), 1) << agent_.transcript();
  EXPECT_EQ(agent_.fault().loginCount(kAliceEid), 1u);
}

}  // namespace
}  // namespace ehagent::sessiontest
