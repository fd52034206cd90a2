// The status page in a real browser: Debian's chromium, headless, driven by puppeteer-core
// (tests/e2e/page/status_page.mjs) against the real agent, STS and hub of the e2e fixture. The
// practitioner logs in and out through the page and the token's expiry counts down live; a page
// of another origin can neither read the page's data nor post its logout. Screenshots go to
// <build>/tests/e2e/screenshots.
#include <gtest/gtest.h>

#include <filesystem>

#include "tests/e2e/e2e_fixture.hpp"
#include "tests/support/child_process.hpp"

namespace ehagent::e2e {
namespace {

class StatusPage : public EndToEnd {
 protected:
  void SetUp() override {
    if (!fs::exists(EHAGENT_CHROMIUM)) GTEST_SKIP() << EHAGENT_CHROMIUM << " is missing (scripts/install-deps.sh installs it)";
  }
};

TEST_F(StatusPage, ThePractitionerLogsInAndOutInTheBrowserAndAnotherOriginIsRefused) {
  startAs(kAlice, false, false);
  const fs::path shots = fs::path(EHAGENT_SCREENSHOT_DIR);
  fs::create_directories(shots);
  const auto run = testsupport::runCommand(
      {"env", "AGENT_URL=http://127.0.0.1:" + std::to_string(agent_.port()), "SHOTS=" + shots.string(),
       std::string("CHROMIUM=") + EHAGENT_CHROMIUM, "node", std::string(EHAGENT_PAGE_TEST_DIR) + "/status_page.mjs"});
  const nlohmann::json seen = nlohmann::json::parse(run.out, nullptr, false);
  ASSERT_TRUE(seen.is_object()) << run.out << run.err;
  ASSERT_FALSE(seen.contains("error")) << seen.dump(1) << agent_.stderrLog();

  EXPECT_EQ(seen["status"], 200);
  EXPECT_NE(seen["csp"].get<std::string>().find("script-src 'self'"), std::string::npos) << seen["csp"];
  ASSERT_EQ(seen["cookie"].size(), 1u) << seen["cookie"];
  EXPECT_EQ(seen["cookie"][0]["name"], "ehagent_page");
  EXPECT_EQ(seen["cookie"][0]["httpOnly"], true);
  EXPECT_EQ(seen["cookie"][0]["sameSite"], "Strict");
  EXPECT_EQ(seen["name"], kAlice.fullName);
  EXPECT_EQ(seen["before"], "logged-out");
  EXPECT_NE(seen["readers"].get<std::string>().find(kAlice.eid), std::string::npos) << seen["readers"];

  EXPECT_EQ(seen["after_login"], "logged-in") << seen.dump(1);
  ASSERT_TRUE(seen["expires"].is_string()) << seen.dump(1);
  // The countdown is the page's own, from the token's expiry: it moves.
  EXPECT_NE(seen["expires_in_first"], seen["expires_in_later"]) << seen.dump(1);
  EXPECT_NE(seen["expires_in_later"].get<std::string>().find("min"), std::string::npos) << seen.dump(1);
  // The page counts down to the session's token_expires, an ISO time in UTC.
  EXPECT_EQ(seen["expires"].get<std::string>().back(), 'Z') << seen.dump(1);
  EXPECT_EQ(seen["hub"], "answers") << seen.dump(1);
  EXPECT_NE(seen["activity"].get<std::string>().find("status page"), std::string::npos) << seen["activity"];

  const nlohmann::json titles = seen["titles"];
  EXPECT_EQ(titles["nl"]["h1"], "ehagent — de eHealth-agent op deze werkpost") << titles.dump();
  EXPECT_EQ(titles["fr"]["h1"], "ehagent — l'agent eHealth de ce poste") << titles.dump();
  EXPECT_EQ(titles["de"]["h1"], "ehagent — der eHealth-Agent an diesem Arbeitsplatz") << titles.dump();
  for (const char* language : {"nl", "fr", "de"}) {
    EXPECT_EQ(titles[language]["lang"], language) << titles.dump();
    EXPECT_TRUE(fs::exists(shots / ("status-" + std::string(language) + "-logged-in.png"))) << language;
  }
  EXPECT_EQ(titles["fr"]["countdown"].get<std::string>().rfind("dans ", 0), 0u) << titles.dump();

  EXPECT_EQ(seen["evil_fetch"], "blocked TypeError") << seen.dump(1);
  EXPECT_EQ(seen["evil_post"], 403) << seen.dump(1);
  EXPECT_NE(seen["evil_post_body"].get<std::string>().find("forbidden_origin"), std::string::npos) << seen.dump(1);
  EXPECT_EQ(seen["after_evil"], "logged-in") << "a page of another origin logged the practitioner out";

  EXPECT_EQ(seen["after_logout"], "logged-out") << seen.dump(1);
  const auto logins = auditRows("login");
  ASSERT_FALSE(logins.empty());
  EXPECT_EQ(logins.back()["client"], "status page") << logins.dump();
  EXPECT_EQ(logins.back()["outcome"], "ok") << logins.dump();
  for (const char* shot : {"status-en-logged-out.png", "status-en-logged-in.png", "status-en-after-logout.png"}) {
    EXPECT_TRUE(fs::exists(shots / shot)) << shot;
  }
}

// Without its script, a refused login lands on the page, which says why in its language; with
// it, the page follows the agent through a restart on the same port (new cookie, new stream) and
// shows the login made after it.
TEST_F(StatusPage, ThePageWorksWithoutItsScriptAndFollowsARestart) {
  startAs(kAlice, false, false, "cancel\npin 1234\npin 1234\n");
  const fs::path shots = fs::path(EHAGENT_SCREENSHOT_DIR);
  fs::create_directories(shots);
  const fs::path restarted = scratch() / "restarted";
  testsupport::ChildProcess browser({.argv = {"node", std::string(EHAGENT_PAGE_TEST_DIR) + "/status_page_restart.mjs"},
                                     .env = {"AGENT_URL=http://127.0.0.1:" + std::to_string(agent_.port()),
                                             std::string("CHROMIUM=") + EHAGENT_CHROMIUM, "SHOTS=" + shots.string(),
                                             "RESTARTED=" + restarted.string()},
                                     .pipe_stdout = true,
                                     .log_file = scratch() / "browser.log"});
  std::string line = browser.readLine(std::chrono::seconds(120));
  if (line == "loaded") {
    restartOnTheSamePort(kAlice);
    const HttpResult login = call("POST", "/v1/session");
    EXPECT_EQ(login.status, 200) << login.body << agent_.stderrLog();
    testsupport::writeFile(restarted, "");
    line = browser.readLine(std::chrono::seconds(120));
  }
  const nlohmann::json seen = nlohmann::json::parse(line, nullptr, false);
  ASSERT_TRUE(seen.is_object()) << line << browser.log();
  ASSERT_FALSE(seen.contains("error")) << seen.dump(1) << agent_.stderrLog();

  EXPECT_EQ(seen["plain_status"], 200) << seen.dump(1);
  EXPECT_NE(seen["plain_url"].get<std::string>().find("/?refused=pin_cancelled"), std::string::npos) << seen.dump(1);
  EXPECT_EQ(seen["plain_notice"], "PIN-invoer geannuleerd") << seen.dump(1);
  EXPECT_EQ(seen["plain_state"], "logged-out") << seen.dump(1);
  EXPECT_NE(seen["plain_content_type"].get<std::string>().find("text/html"), std::string::npos) << seen.dump(1);
  const auto logins = auditRows("login");
  ASSERT_FALSE(logins.empty());
  EXPECT_EQ(logins.front()["problem_code"], "pin_cancelled") << logins.dump();

  EXPECT_EQ(seen["before_restart"], "logged-out") << seen.dump(1);
  EXPECT_EQ(seen["restarted"], true) << seen.dump(1);
  EXPECT_EQ(seen["after_restart"], "logged-in") << seen.dump(1) << agent_.stderrLog();
  EXPECT_EQ(seen["name_after_restart"], kAlice.fullName) << seen.dump(1);
  EXPECT_NE(seen["cookie_before"], seen["cookie_after"]) << "the restarted agent cannot know the old page cookie";
  EXPECT_EQ(seen["hub_after_restart"], "answers") << seen.dump(1);
}

// Without the page's cookie its routes refuse; a Host that does not name the listener (DNS
// rebinding) is refused before any route; the page needs no client key.
TEST_F(StatusPage, ThePageRoutesNeedThePagesCookieAndTheListenersHost) {
  startAs(kAlice, false, false);
  HttpResult page = agent_.request("GET", "/", {}, false, false);
  EXPECT_EQ(page.status, 200);
  EXPECT_NE(page.headers["set-cookie"].find("HttpOnly; SameSite=Strict"), std::string::npos) << page.headers["set-cookie"];
  const HttpResult hubs = agent_.request("GET", "/page/v1/hubs", {}, false, false);
  EXPECT_EQ(hubs.status, 401) << hubs.body;
  EXPECT_EQ(hubs.json()["code"], "page_session_required") << hubs.body;
  const HttpResult login = agent_.request("POST", "/page/login", {}, false, false);
  EXPECT_EQ(login.status, 401) << login.body;
  EXPECT_TRUE(call("GET", "/v1/status").json()["session"].is_null());
}

// On a terminal server another account reaches the loopback port too; the page tells who is
// logged in and what was signed, so that account's browser gets a refusal, this one's the page.
TEST_F(StatusPage, AnotherAccountOnTheMachineIsRefusedThePage) {
  if (!testsupport::isRoot()) GTEST_SKIP() << "creating a second local account needs root";
  startAs(kAlice, false, false);
  const testsupport::LocalUser other_account;
  const std::string url = "http://127.0.0.1:" + std::to_string(agent_.port()) + "/";
  const auto theirs = other_account.runAs({"curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", url});
  EXPECT_EQ(theirs.out, "403") << theirs.out << theirs.err;
  const auto body = other_account.runAs({"curl", "-sS", url});
  EXPECT_NE(body.out.find("page_forbidden"), std::string::npos) << body.out;
  EXPECT_EQ(body.out.find(kAlice.fullName), std::string::npos) << "the other account saw who is logged in";
  const auto ours = testsupport::runCommand({"curl", "-sS", url});
  EXPECT_NE(ours.out.find(kAlice.fullName), std::string::npos) << ours.out;
}

}  // namespace
}  // namespace ehagent::e2e
