// POST /v1/session against the real agent: the right PIN, a wrong PIN (one C_Login, never
// retried), a cancel, a pinpad, a client that goes away, and no PIN in any log.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <regex>
#include <thread>

#include "tests/session/agent_harness.hpp"

namespace ehagent::sessiontest {
namespace {

class SessionLoginTest : public ::testing::Test {
 protected:
  void startIdentified(const std::string& script, const std::string& extra_config = {}) {
    agent_.setPinScript(script);
    AgentSettings settings;
    settings.extra_config = extra_config;
    agent_.start(settings);
    ASSERT_TRUE(agent_.waitForStatus([](const nlohmann::json& s) {
      return s.contains("practitioner") && s["practitioner"].is_object() &&
             s["practitioner"].value("ssin", "") == "78031215280";
    })) << agent_.stderrLog();
  }
  AgentHarness agent_;
};

TEST_F(SessionLoginTest, RightPinLogsInOverTcpAndOutOverTheUnixSocket) {
  startIdentified("pin 1234\npin 1234\n");
  const HttpResult login = agent_.request("POST", "/v1/session");
  ASSERT_EQ(login.status, 200) << login.body;
  EXPECT_EQ(login.json()["practitioner"]["ssin"], "78031215280");
  EXPECT_EQ(login.json()["practitioner"]["nihii"], "10012378004");
  EXPECT_EQ(login.json()["session"]["logged_in"], true);
  EXPECT_TRUE(agent_.waitForStatus([](const nlohmann::json& s) {
    return s["session"].is_object() && s["session"].value("logged_in", false);
  }));
  const std::string transcript = agent_.transcript();
  EXPECT_NE(transcript.find("TestEMR asks to log in to eHealth"), std::string::npos) << transcript;
  EXPECT_NE(transcript.find("Alice SPECIMEN's eID (3 tries left)"), std::string::npos) << transcript;
  EXPECT_NE(transcript.find("eHealth certificate"), std::string::npos) << transcript;

  const HttpResult logout = agent_.request("DELETE", "/v1/session", {}, true);
  EXPECT_EQ(logout.status, 204) << logout.body;
  EXPECT_TRUE(agent_.waitForStatus([](const nlohmann::json& s) { return s["session"].is_null(); }));

  const HttpResult audit = agent_.request("GET", "/v1/audit?operation=login");
  ASSERT_EQ(audit.status, 200) << audit.body;
  EXPECT_NE(audit.body.find("\"ok\""), std::string::npos) << audit.body;
}

// One audit row per request, whatever the outcome: a practitioner JWT refused for want of a
// session, and a second login that joins the session without asking a PIN, each have theirs.
TEST_F(SessionLoginTest, EveryLoginAndTokenRequestHasItsAuditRow) {
  startIdentified("pin 1234\npin 1234\n");
  const std::string jwt = R"({"kind":"practitioner","audience":"https://emr.example"})";
  const HttpResult refused = agent_.request("POST", "/v1/tokens/jwt", jwt);
  ASSERT_EQ(refused.json()["code"], "not_logged_in") << refused.body;
  const auto jwtRows = agent_.request("GET", "/v1/audit?operation=jwt-practitioner").json()["rows"];
  ASSERT_EQ(jwtRows.size(), 1u) << jwtRows.dump();
  EXPECT_EQ(jwtRows[0]["outcome"], "refused");
  EXPECT_EQ(jwtRows[0]["problem_code"], "not_logged_in");

  ASSERT_EQ(agent_.request("POST", "/v1/session").status, 200);
  const HttpResult joined = agent_.request("POST", "/v1/session");  // the script has no PIN left
  ASSERT_EQ(joined.status, 200) << joined.body;
  EXPECT_EQ(joined.json()["session"]["logged_in"], true);
  const auto loginRows = agent_.request("GET", "/v1/audit?operation=login").json()["rows"];
  ASSERT_EQ(loginRows.size(), 2u) << loginRows.dump();
  for (const auto& row : loginRows) EXPECT_EQ(row["outcome"], "ok") << row.dump();
}

TEST_F(SessionLoginTest, WrongPinCostsExactlyOneTryAndIsNotRetried) {
  startIdentified("pin 9999\npin 1234\npin 1234\n");
  const unsigned logins_before = agent_.fault().loginCount(kAliceEid);
  const HttpResult login = agent_.request("POST", "/v1/session");
  ASSERT_EQ(login.status, 403) << login.body;
  EXPECT_EQ(login.json()["code"], "pin_incorrect");
  EXPECT_EQ(login.json()["tries_left"], 2);
  EXPECT_EQ(agent_.fault().triesLeft(kAliceEid), 2u);
  EXPECT_EQ(agent_.fault().loginCount(kAliceEid), logins_before + 1);
  EXPECT_EQ(agent_.fault().loginCount(kAliceEhealth), 0u);  // the login stopped at the eID

  // The next login asks again and shows the lower count.
  const HttpResult again = agent_.request("POST", "/v1/session");
  EXPECT_EQ(again.status, 200) << again.body;
  const std::string transcript = agent_.transcript();
  EXPECT_NE(transcript.find("(2 tries left)"), std::string::npos) << transcript;
}

// Each PIN problem says whose PIN it was and what the person does next: the last try is named as
// such, and a locked eID sends its holder to the municipality with the PUK letter.
TEST_F(SessionLoginTest, PinProblemsSayWhichPinAndWhatToDo) {
  agent_.fault().setPinTries(2);
  startIdentified("pin 9999\npin 9999\n");
  const HttpResult first = agent_.request("POST", "/v1/session");
  ASSERT_EQ(first.status, 403) << first.body;
  EXPECT_EQ(first.json()["code"], "pin_incorrect");
  EXPECT_EQ(first.json()["tries_left"], 1);
  EXPECT_EQ(first.json()["credential"], "eID");
  const std::string lastTry = first.json()["detail"];
  EXPECT_NE(lastTry.find("eID PIN was incorrect"), std::string::npos) << lastTry;
  EXPECT_NE(lastTry.find("1 try left"), std::string::npos) << lastTry;

  const HttpResult second = agent_.request("POST", "/v1/session");
  ASSERT_EQ(second.status, 403) << second.body;
  EXPECT_EQ(second.json()["code"], "pin_locked");
  // Locked now: the next login asks no PIN and says the same.
  const HttpResult third = agent_.request("POST", "/v1/session");
  EXPECT_EQ(third.json()["code"], "pin_locked");
  for (const HttpResult* locked : {&second, &third}) {
    const std::string detail = locked->json()["detail"];
    EXPECT_NE(detail.find("municipality"), std::string::npos) << detail;
    EXPECT_NE(detail.find("PUK letter"), std::string::npos) << detail;
    EXPECT_EQ(locked->json()["credential"], "eID");
  }
  EXPECT_EQ(agent_.fault().loginCount(kAliceEid), 2u);
}

TEST_F(SessionLoginTest, CancelGivesPinCancelledWithoutALogin) {
  startIdentified("cancel\n");
  const HttpResult login = agent_.request("POST", "/v1/session");
  ASSERT_EQ(login.status, 403) << login.body;
  EXPECT_EQ(login.json()["code"], "pin_cancelled");
  EXPECT_EQ(agent_.fault().loginCount(kAliceEid), 0u);
  const HttpResult audit = agent_.request("GET", "/v1/audit?operation=login");
  EXPECT_NE(audit.body.find("pin_cancelled"), std::string::npos) << audit.body;
}

// A PIN dialog nobody answers ends the login after pin_timeout_seconds, told to pinentry too.
TEST_F(SessionLoginTest, ThePinTimeoutIsAConfigKey) {
  startIdentified("hang\n", "pin_timeout_seconds = 5\n");
  const HttpResult login = agent_.request("POST", "/v1/session");
  EXPECT_EQ(login.json()["code"], "pinentry_failed") << login.body;
  EXPECT_NE(login.body.find("within 5 s"), std::string::npos) << login.body;
  EXPECT_NE(agent_.transcript().find("SETTIMEOUT 5"), std::string::npos) << agent_.transcript();
  EXPECT_EQ(agent_.fault().loginCount(kAliceEid), 0u);
}

// pinentry = "auto" chooses a program that can show: a graphical one in a desktop session; an
// agent with neither a display nor a terminal says what to install instead of failing on a
// curses dialog ("Inappropriate ioctl for device").
TEST_F(SessionLoginTest, TheAutomaticPinDialogIsOneThatCanShowOrSaysWhatToInstall) {
  const fs::path bin = agent_.dir() / "bin";
  fs::create_directories(bin);
  fs::create_symlink(EHAGENT_TEST_PINENTRY, bin / "pinentry-gnome3");
  fs::create_symlink("/bin/false", bin / "pinentry-curses");  // the dialog that cannot show here
  const std::string path = "PATH=" + bin.string() + ":" + std::getenv("PATH");
  AgentSettings settings;
  settings.pin_script = "pin 1234\npin 1234\n";
  settings.pinentry = "auto";
  settings.env = {path, "DISPLAY=:99", "WAYLAND_DISPLAY="};
  agent_.start(settings);
  ASSERT_TRUE(agent_.waitForStatus([](const nlohmann::json& s) { return s["practitioner"].is_object(); }));
  const HttpResult desktop = agent_.request("POST", "/v1/session");
  EXPECT_EQ(desktop.status, 200) << desktop.body << agent_.stderrLog();
  EXPECT_NE(agent_.transcript().find("GETPIN"), std::string::npos);

  settings.env = {path, "DISPLAY=", "WAYLAND_DISPLAY="};
  agent_.start(settings);  // a service without the desktop's environment
  ASSERT_TRUE(agent_.waitForStatus([](const nlohmann::json& s) { return s["practitioner"].is_object(); }));
  const HttpResult service = agent_.request("POST", "/v1/session");
  EXPECT_EQ(service.status, 503) << service.body;
  EXPECT_EQ(service.json()["code"], "pinentry_unavailable") << service.body;
  EXPECT_NE(service.body.find("pinentry-gnome3"), std::string::npos) << service.body;
  EXPECT_NE(service.body.find("import-environment DISPLAY WAYLAND_DISPLAY"), std::string::npos) << service.body;
}

// A pinpad login shows no dialog: the client is told in an event to send the practitioner to the reader.
TEST_F(SessionLoginTest, PinpadLoginAsksNothingThroughPinentryAndTellsTheClientToLookAtTheReader) {
  agent_.fault().setPinpad("1234");
  startIdentified("");
  HttpResult login;
  const std::string events = agent_.readEventsUntil("session.login", [&] { login = agent_.request("POST", "/v1/session"); });
  ASSERT_EQ(login.status, 200) << login.body;
  EXPECT_EQ(agent_.transcript().find("GETPIN"), std::string::npos) << agent_.transcript();
  EXPECT_EQ(agent_.fault().loginCount(kAliceEid), 1u);
  const std::size_t pinpad = events.find("event: pin.pinpad");
  ASSERT_NE(pinpad, std::string::npos) << events;
  const std::string data = events.substr(pinpad, events.find('\n', events.find("data:", pinpad)) - pinpad);
  EXPECT_NE(data.find("\"token\":\"Alice SPECIMEN\""), std::string::npos) << data;
  EXPECT_NE(data.find("Enter the eID PIN on the card reader's pinpad"), std::string::npos) << data;
}

// The hanging dialog's process id, from the scripted pinentry's transcript line; 0 until it shows.
pid_t hangingPinentry(const std::string& transcript) {
  const std::size_t at = transcript.find("# hang pid ");
  return at == std::string::npos ? 0 : static_cast<pid_t>(std::stol(transcript.substr(at + 11)));
}

bool processEnds(pid_t pid, std::chrono::seconds deadline) {
  const auto end = std::chrono::steady_clock::now() + deadline;
  while (std::chrono::steady_clock::now() < end) {
    if (::kill(pid, 0) != 0 && errno == ESRCH) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

// A client that disconnects while its PIN dialog is open closes the dialog (its program ends);
// another login meanwhile is told busy at once instead of queueing behind it without an answer.
TEST_F(SessionLoginTest, AClientThatGoesAwayClosesItsPinDialogAndAnotherLoginIsAnsweredAtOnce) {
  startIdentified("hang\npin 1234\npin 1234\n", "pin_timeout_seconds = 300\n");
  const int leaving = agent_.send("POST", "/v1/session");
  pid_t dialog = 0;
  for (int i = 0; i < 300 && dialog == 0; ++i) {
    dialog = hangingPinentry(agent_.transcript());
    if (dialog == 0) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_NE(dialog, 0) << agent_.transcript() << agent_.stderrLog();

  const HttpResult second = agent_.request("POST", "/v1/session");
  EXPECT_EQ(second.status, 429) << second.body;
  EXPECT_EQ(second.json()["code"], "busy") << second.body;
  EXPECT_NE(second.body.find("already waiting for the practitioner's PIN"), std::string::npos) << second.body;

  ::close(leaving);
  EXPECT_TRUE(processEnds(dialog, std::chrono::seconds(20))) << "the PIN dialog outlived its client";
  const auto loginCodes = [&] {
    std::vector<std::string> codes;
    const nlohmann::json audit = agent_.request("GET", "/v1/audit?operation=login").json();
    for (const auto& row : audit["rows"]) {
      codes.push_back(row["problem_code"].is_string() ? row["problem_code"].get<std::string>() : "");
    }
    return codes;
  };
  const auto logged = [&](const std::string& code) {
    const auto codes = loginCodes();
    return std::find(codes.begin(), codes.end(), code) != codes.end();
  };
  for (int i = 0; i < 200 && !logged("client_disconnected"); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  ASSERT_TRUE(logged("client_disconnected")) << testing::PrintToString(loginCodes());
  EXPECT_TRUE(logged("busy")) << testing::PrintToString(loginCodes());

  const HttpResult next = agent_.request("POST", "/v1/session");
  EXPECT_EQ(next.status, 200) << next.body << agent_.stderrLog();
  EXPECT_EQ(agent_.fault().loginCount(kAliceEid), 1u);  // the abandoned dialog cost no PIN try
}

TEST_F(SessionLoginTest, NoPinReachesTheLogOrTheTranscript) {
  startIdentified("pin 1234\npin 1234\npin 9999\npin 1234\n");
  EXPECT_EQ(agent_.request("POST", "/v1/session").status, 200);
  EXPECT_EQ(agent_.request("DELETE", "/v1/session").status, 204);
  EXPECT_EQ(agent_.request("POST", "/v1/session").status, 403);  // 9999
  EXPECT_EQ(agent_.request("POST", "/v1/sign", R"({"data":"aGVsbG8="})").status, 200);
  const std::string log = agent_.stderrLog();
  ASSERT_FALSE(log.empty());
  const std::regex pin_context(R"((pin|PIN|Pin)[^\n]{0,60}(1234|9999))");
  EXPECT_FALSE(std::regex_search(log, pin_context)) << log;
  const std::string transcript = agent_.transcript();
  ASSERT_NE(transcript.find("GETPIN"), std::string::npos);
  EXPECT_EQ(transcript.find("1234"), std::string::npos) << transcript;
  EXPECT_EQ(transcript.find("9999"), std::string::npos) << transcript;
}

// language = "fr": the PIN dialog's title, question, prompt and the final-try warning are French,
// as the scripted pinentry received them; the problem codes stay the same.
TEST(SessionLanguage, ThePinDialogSpeaksTheConfiguredLanguageDownToTheLastTry) {
  AgentHarness agent;
  agent.setPinScript("pin 9999\npin 9999\npin 1234\npin 1234\n");
  AgentSettings settings;
  settings.language = "fr";
  agent.start(settings);
  ASSERT_TRUE(agent.waitForStatus([](const nlohmann::json& s) { return s["practitioner"].is_object(); }));
  // The refusal is in the config's language too (the client sent no Accept-Language); its code is not.
  const HttpResult wrong = agent.request("POST", "/v1/session");
  EXPECT_EQ(wrong.json()["code"], "pin_incorrect");
  EXPECT_EQ(wrong.json()["title"], "PIN incorrect");
  EXPECT_EQ(wrong.json()["detail"], "le PIN de la carte eID était incorrect ; 2 essais restants") << wrong.body;
  EXPECT_EQ(agent.request("POST", "/v1/session").json()["code"], "pin_incorrect");
  ASSERT_EQ(agent.request("POST", "/v1/session").status, 200) << agent.stderrLog();
  const std::string transcript = agent.transcript();
  EXPECT_NE(transcript.find("SETTITLE ehagent : PIN de la carte eID"), std::string::npos) << transcript;
  EXPECT_NE(transcript.find("TestEMR demande de vous connecter à eHealth. PIN de la carte eID de Alice SPECIMEN (3 essais restants)"),
            std::string::npos) << transcript;
  EXPECT_NE(transcript.find("(1 essai restant)"), std::string::npos) << transcript;
  EXPECT_NE(transcript.find("SETERROR Dernier essai : un PIN erroné de plus bloque la carte."), std::string::npos) << transcript;
  EXPECT_NE(transcript.find("SETPROMPT PIN :"), std::string::npos) << transcript;
  EXPECT_NE(transcript.find("PIN du certificat eHealth de Alice SPECIMEN"), std::string::npos) << transcript;
  EXPECT_EQ(transcript.find("asks to"), std::string::npos) << transcript;
}

}  // namespace
}  // namespace ehagent::sessiontest
