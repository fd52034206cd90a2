// The card monitor over the fault module: SSE events for removal and insertion, the session
// dropped on removal, queued card work failed with card_removed, 429 beyond the queue depth, and
// /v1/status answering while the card is slow.
#include <gtest/gtest.h>

#include <future>

#include "tests/session/agent_harness.hpp"

namespace ehagent::sessiontest {
namespace {

bool aliceIdentified(const nlohmann::json& s) {
  return s["practitioner"].is_object() && s["practitioner"].value("ssin", "") == "78031215280";
}

bool aliceReaderPresent(const nlohmann::json& s) {
  for (const auto& reader : s["readers"]) {
    if (reader.value("token", "") == kAliceEid) return true;
  }
  return false;
}

// Bob's eID is read, and nobody is the practitioner.
bool bobInNobodyPractitioner(const nlohmann::json& s) {
  for (const auto& reader : s["readers"]) {
    if (reader.value("token", "") == "Bob SPECIMEN") return s["practitioner"].is_null();
  }
  return false;
}

class SessionCardsTest : public ::testing::Test {
 protected:
  // Bob's eID and eHealth token would make him the practitioner once Alice's card is out; these
  // tests follow Alice alone.
  void SetUp() override { agent_.fault().removeCard("Bob SPECIMEN"); }
  AgentHarness agent_;
};

TEST_F(SessionCardsTest, EventsForRemovalAndInsertion) {
  agent_.start();
  ASSERT_TRUE(agent_.waitForStatus(aliceIdentified)) << agent_.stderrLog();
  const std::string removed = agent_.readEventsUntil("event: card.removed", [&] { agent_.fault().removeCard(kAliceEid); });
  ASSERT_NE(removed.find("event: card.removed"), std::string::npos) << removed;
  EXPECT_NE(removed.find(kAliceEid), std::string::npos);
  EXPECT_TRUE(agent_.waitForStatus([](const nlohmann::json& s) { return !aliceReaderPresent(s); }));

  const std::string inserted = agent_.readEventsUntil("event: card.identified", [&] { agent_.fault().insertCard(kAliceEid); });
  EXPECT_NE(inserted.find("event: card.inserted"), std::string::npos) << inserted;
  EXPECT_NE(inserted.find("event: card.identified"), std::string::npos) << inserted;
  EXPECT_TRUE(agent_.waitForStatus(aliceIdentified));
}

// Two practitioners' eIDs and eHealth tokens in at once: the configured SSIN decides, whatever
// the slot order, and the other holder is never taken even while the chosen card is out.
// With both practitioners' eIDs and eHealth tokens in, the config line makes `ssin` the practitioner.
void expectPractitionerWith(const std::string& config_line, const std::string& ssin) {
  AgentHarness agent;
  agent.fault().insertCard("eHealth Bob SPECIMEN");
  agent.start({8, "", config_line + "\n"});
  EXPECT_TRUE(agent.waitForStatus([&](const nlohmann::json& s) {
    return s["practitioner"].is_object() && s["practitioner"].value("ssin", "") == ssin;
  })) << config_line << "\n" << agent.stderrLog();
}

TEST(SessionPractitionerChoice, ConfiguredSsinDecidesBetweenTwoPractitioners) {
  for (const std::string ssin : {"78031215280", "82110523358"}) {
    expectPractitionerWith("practitioner_ssin = \"" + ssin + "\"", ssin);
  }
  AgentHarness agent;
  agent.fault().insertCard("eHealth Bob SPECIMEN");
  agent.fault().removeCard(kAliceEid);
  agent.start({8, "", "practitioner_ssin = \"78031215280\"\n"});
  // Bob's eID is in and identified as a reader, but he is not the practitioner.
  EXPECT_TRUE(agent.waitForStatus(bobInNobodyPractitioner)) << agent.stderrLog();
  EXPECT_EQ(agent.request("POST", "/v1/session").json()["code"], "no_card");
}

// The eHealth token can be pinned by a PKCS#11 URI: with both practitioners' tokens in, the one
// the URI names decides.
TEST(SessionPractitionerChoice, ConfiguredTokenUriDecidesBetweenTwoPractitioners) {
  const std::pair<std::string, std::string> choices[] = {{"eHealth%20Bob%20SPECIMEN", "82110523358"},
                                                         {"eHealth%20Alice%20SPECIMEN", "78031215280"}};
  for (const auto& [token, ssin] : choices) {
    expectPractitionerWith("practitioner_token = \"pkcs11:token=" + token + "\"", ssin);
  }
}

// Bob's eID in the second reader is a patient's card (he has no eHealth token here): with Alice's
// card out nobody is the practitioner, and Alice is again once her card is back.
TEST(SessionPractitionerChoice, APatientsEidIsNeverThePractitioner) {
  AgentHarness agent;
  agent.fault().removeCard(kAliceEid);
  agent.start();
  EXPECT_TRUE(agent.waitForStatus(bobInNobodyPractitioner)) << agent.stderrLog();
  EXPECT_EQ(agent.request("POST", "/v1/session").json()["code"], "no_card");
  agent.fault().insertCard(kAliceEid);
  EXPECT_TRUE(agent.waitForStatus(aliceIdentified)) << agent.stderrLog();
}

TEST_F(SessionCardsTest, RemovalEndsTheSession) {
  agent_.start({8, "pin 1234\npin 1234\n"});
  ASSERT_TRUE(agent_.waitForStatus(aliceIdentified)) << agent_.stderrLog();
  ASSERT_EQ(agent_.request("POST", "/v1/session").status, 200);
  agent_.fault().removeCard(kAliceEid);
  EXPECT_TRUE(agent_.waitForStatus([](const nlohmann::json& s) { return s["session"].is_null(); }))
      << agent_.stderrLog();
  const HttpResult audit = agent_.request("GET", "/v1/audit?operation=logout");
  EXPECT_NE(audit.body.find("card_removed"), std::string::npos) << audit.body;
  const HttpResult login = agent_.request("POST", "/v1/session");
  EXPECT_EQ(login.json()["code"], "no_card") << login.body;
}

TEST_F(SessionCardsTest, CardPulledDuringQueuedSignatures) {
  agent_.start({8, "pin 1234\npin 1234\npin 1234\n"});
  ASSERT_TRUE(agent_.waitForStatus(aliceIdentified)) << agent_.stderrLog();
  agent_.fault().setSignLatency(1500);
  agent_.fault().pullDuringSign(kAliceEid);
  auto first = std::async(std::launch::async, [&] { return agent_.request("POST", "/v1/sign", R"({"data":"AQID"})"); });
  auto second = std::async(std::launch::async, [&] { return agent_.request("POST", "/v1/sign", R"({"data":"BAUG"})"); });
  const HttpResult a = first.get();
  const HttpResult b = second.get();
  EXPECT_EQ(a.json()["code"], "card_removed") << a.body;
  EXPECT_EQ(b.json()["code"], "card_removed") << b.body;
  // The agent keeps serving and knows the card is out.
  EXPECT_TRUE(agent_.waitForStatus([](const nlohmann::json& s) { return !aliceReaderPresent(s); }));
  const HttpResult audit = agent_.request("GET", "/v1/audit?operation=sign");
  EXPECT_NE(audit.body.find("card_removed"), std::string::npos) << audit.body;
}

// A card pulled during a signature and put straight back, before the monitor looks, comes back
// in the same slot under the same label but without the login: the session ends there and says
// why (status and event), instead of staying logged in while every call fails; a new login works.
TEST_F(SessionCardsTest, CardPulledAndPutBackDuringASignatureEndsTheSession) {
  agent_.start({8, "pin 1234\npin 1234\npin 1234\npin 1234\n"});
  ASSERT_TRUE(agent_.waitForStatus(aliceIdentified)) << agent_.stderrLog();
  ASSERT_EQ(agent_.request("POST", "/v1/session").status, 200);
  const std::string jwt = R"({"kind":"practitioner","audience":"https://emr.example"})";
  HttpResult pulled;
  const std::string events = agent_.readEventsUntil("event: session.logout", [&] {
    agent_.fault().pullDuringSign(kAliceEid);
    pulled = agent_.request("POST", "/v1/tokens/jwt", jwt);
    agent_.fault().insertCard(kAliceEid);
  });
  EXPECT_EQ(pulled.json()["code"], "card_removed") << pulled.body;
  EXPECT_NE(events.find("\"reason\":\"card_removed\""), std::string::npos) << events;
  EXPECT_TRUE(agent_.waitForStatus([](const nlohmann::json& s) {
    return s["session"].is_null() && s["last_logout"].is_object() &&
           s["last_logout"].value("reason", "") == "card_removed" && aliceReaderPresent(s);
  })) << agent_.request("GET", "/v1/status").body;
  EXPECT_EQ(agent_.request("POST", "/v1/tokens/jwt", jwt).json()["code"], "not_logged_in");
  const HttpResult again = agent_.request("POST", "/v1/session");
  ASSERT_EQ(again.status, 200) << again.body << agent_.stderrLog();
  EXPECT_EQ(agent_.request("POST", "/v1/tokens/jwt", jwt).status, 200);
}

TEST_F(SessionCardsTest, FullQueueGives429AndStatusStaysResponsive) {
  agent_.start({1, "pin 1234\n"});
  ASSERT_TRUE(agent_.waitForStatus(aliceIdentified)) << agent_.stderrLog();
  agent_.fault().setSignLatency(4000);
  auto slow = std::async(std::launch::async, [&] { return agent_.request("POST", "/v1/sign", R"({"data":"AQID"})"); });
  // Wait until the slow signature holds the card: its PIN was asked.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (agent_.transcript().find("GETPIN") == std::string::npos && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  const HttpResult busy = agent_.request("POST", "/v1/sign", R"({"data":"BAUG"})");
  EXPECT_EQ(busy.status, 429) << busy.body;
  EXPECT_EQ(busy.json()["code"], "busy");
  const HttpResult status = agent_.request("GET", "/v1/status");
  EXPECT_EQ(status.status, 200);
  EXPECT_EQ(slow.get().status, 200);
}

}  // namespace
}  // namespace ehagent::sessiontest
