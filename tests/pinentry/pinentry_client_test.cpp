// The agent's pinentry client against the scripted pinentry, a real program over real pipes.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "agent/pin/pinentry.hpp"
#include "tests/support/support.hpp"

namespace fs = std::filesystem;
using ehagent::agent::ConfirmRequest;
using ehagent::agent::Pinentry;
using ehagent::agent::PinentryCancelled;
using ehagent::agent::PinentryError;
using ehagent::agent::PinentryOptions;
using ehagent::agent::PinRequest;

namespace {

class PinentryClient : public ::testing::Test {
 protected:
  void SetUp() override {
    script_ = dir_ / "script";
    transcript_ = dir_ / "transcript";
    ASSERT_EQ(::setenv("EHAGENT_PINENTRY_SCRIPT", script_.c_str(), 1), 0);
    ASSERT_EQ(::setenv("EHAGENT_PINENTRY_TRANSCRIPT", transcript_.c_str(), 1), 0);
  }
  void TearDown() override {
    ::unsetenv("EHAGENT_PINENTRY_SCRIPT");
    ::unsetenv("EHAGENT_PINENTRY_TRANSCRIPT");
  }

  void script(const std::string& actions) { std::ofstream(script_) << actions; }
  [[nodiscard]] std::vector<std::string> transcript() const {
    std::vector<std::string> lines;
    std::ifstream in(transcript_);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
  }
  [[nodiscard]] std::size_t count(const std::string& command) const {
    std::size_t n = 0;
    for (const auto& line : transcript()) n += line.rfind(command, 0) == 0 ? 1 : 0;
    return n;
  }
  [[nodiscard]] std::string transcriptText() const {
    std::stringstream text;
    text << std::ifstream(transcript_).rdbuf();
    return text.str();
  }
  static Pinentry scripted(std::chrono::seconds timeout = std::chrono::seconds(60)) {
    PinentryOptions options;
    options.program = EHAGENT_TEST_PINENTRY;
    options.timeout = timeout;
    return Pinentry(options);
  }
  static PinRequest aliceRequest() {
    PinRequest request;
    request.title = "ehagent";
    request.description = ehagent::agent::pinDescription(
        {"Medidoc", "sign a consent", "15062034820", "Alice SPECIMEN", 3});
    return request;
  }

  ehagent::testsupport::TempDir temp_{"ehagent-pinentry"};
  fs::path dir_ = temp_.path(), script_, transcript_;
};

TEST_F(PinentryClient, ReturnsThePinTypedAndAsksOnce) {
  script("pin 1234\n");
  const ehagent::Secret pin = scripted().getPin(aliceRequest());
  EXPECT_EQ(pin.view(), "1234");
  EXPECT_EQ(count("GETPIN"), 1U);
  EXPECT_EQ(count("SETERROR"), 0U);
  EXPECT_EQ(count("BYE"), 1U);
  EXPECT_EQ(transcriptText().find("1234"), std::string::npos) << "the PIN must never reach the transcript";
}

TEST_F(PinentryClient, DescriptionIsSentAsTheIssueWordsIt) {
  script("pin 1234\n");
  (void)scripted().getPin(aliceRequest());
  EXPECT_EQ(count("SETDESC Medidoc asks to sign a consent for patient 15062034820. "
                  "PIN for Alice SPECIMEN's eID (3 tries left)"), 1U);
  EXPECT_EQ(count("SETTITLE ehagent"), 1U);
  EXPECT_EQ(count("SETPROMPT PIN:"), 1U);
}

TEST_F(PinentryClient, EscapedDescriptionRoundTrips) {
  script("pin 1234\n");
  PinRequest request = aliceRequest();
  request.description = "Line one\nDr. 100% sure";
  (void)scripted().getPin(request);
  EXPECT_EQ(count("SETDESC Line one%0ADr. 100%25 sure"), 1U) << transcriptText();
}

TEST_F(PinentryClient, PinWithEscapedBytesComesBackWhole) {
  script("pin 12%34\n");
  EXPECT_EQ(scripted().getPin(aliceRequest()).view(), "12%34");
}

TEST_F(PinentryClient, RetryTheUserStartedShowsTheError) {
  script("pin 1234\n");
  PinRequest request = aliceRequest();
  request.error = "Wrong PIN (2 tries left)";
  (void)scripted().getPin(request);
  EXPECT_EQ(count("SETERROR Wrong PIN (2 tries left)"), 1U);
}

TEST_F(PinentryClient, CancelIsTyped) {
  script("cancel\n");
  EXPECT_THROW((void)scripted().getPin(aliceRequest()), PinentryCancelled);
  EXPECT_EQ(count("GETPIN"), 1U);
}

TEST_F(PinentryClient, ActionsAreConsumedInOrderAcrossRuns) {
  script("pin 1111\ncancel\npin 2222\n");
  const Pinentry pinentry = scripted();
  EXPECT_EQ(pinentry.getPin(aliceRequest()).view(), "1111");
  EXPECT_THROW((void)pinentry.getPin(aliceRequest()), PinentryCancelled);
  EXPECT_EQ(pinentry.getPin(aliceRequest()).view(), "2222");
  EXPECT_EQ(count("GETPIN"), 3U);
}

TEST_F(PinentryClient, ConfirmAndDeny) {
  script("confirm\ndeny\n");
  ConfirmRequest request;
  request.title = "ehagent";
  request.description = "Pair the application \"Medidoc\" with this agent?";
  request.ok_label = "Pair";
  request.cancel_label = "Refuse";
  EXPECT_TRUE(scripted().confirm(request));
  EXPECT_FALSE(scripted().confirm(request));
  EXPECT_EQ(count("CONFIRM"), 2U);
  EXPECT_EQ(count("SETOK Pair"), 2U);
}

TEST_F(PinentryClient, MessageAndOneButtonNeedNoScriptedAnswer) {
  script("pin 1234\n");
  const Pinentry pinentry = scripted();
  pinentry.message("ehagent", "Enter the PIN on the reader's pinpad");
  ConfirmRequest notice;
  notice.description = "Card removed";
  notice.one_button = true;
  EXPECT_TRUE(pinentry.confirm(notice));
  EXPECT_EQ(count("MESSAGE"), 1U);
  EXPECT_EQ(count("CONFIRM --one-button"), 1U);
  EXPECT_EQ(pinentry.getPin(aliceRequest()).view(), "1234");
}

TEST_F(PinentryClient, MissingProgramSaysWhatToDo) {
  PinentryOptions options;
  options.program = (dir_ / "no-such-pinentry").string();
  try {
    (void)Pinentry(options).getPin(aliceRequest());
    FAIL() << "a missing program must be an error";
  } catch (const PinentryError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("no-such-pinentry"), std::string::npos) << message;
    EXPECT_NE(message.find("not found"), std::string::npos) << message;
  }
}

TEST_F(PinentryClient, CrashIsAnError) {
  script("crash\n");
  try {
    (void)scripted().getPin(aliceRequest());
    FAIL() << "a crash must be an error";
  } catch (const PinentryError& e) {
    EXPECT_NE(std::string(e.what()).find("signal"), std::string::npos) << e.what();
  }
}

TEST_F(PinentryClient, ProgramThatIsNotPinentryIsAnError) {
  PinentryOptions options;
  options.program = "true";
  EXPECT_THROW((void)Pinentry(options).getPin(aliceRequest()), PinentryError);
  script("garbage\n");
  try {
    (void)scripted().getPin(aliceRequest());
    FAIL() << "a line that is not Assuan must be an error";
  } catch (const PinentryError& e) {
    EXPECT_NE(std::string(e.what()).find("Assuan"), std::string::npos) << e.what();
  }
}

TEST_F(PinentryClient, ProgramThatNeverAnswersIsKilled) {
  script("hang\n");
  try {
    (void)scripted(std::chrono::seconds(1)).getPin(aliceRequest());
    FAIL() << "a silent program must be an error";
  } catch (const PinentryError& e) {
    EXPECT_NE(std::string(e.what()).find("no answer"), std::string::npos) << e.what();
  }
}

TEST_F(PinentryClient, ExhaustedScriptIsAnErrorNotACancel) {
  script("");
  EXPECT_THROW((void)scripted().getPin(aliceRequest()), PinentryError);
}

}  // namespace
