// The real `ehagent serve`, called over loopback HTTP and its Unix socket.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>

#include <atomic>
#include <thread>

#include "agent/routes/routes.hpp"
#include "http_client.hpp"
#include "test_util.hpp"

using namespace ehagent::agent;
using namespace ehagent::agent::test;

namespace {

class ServeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // At debug the agent logs every call it answers, so a test can see which ones it logged.
    writeFile(dir.path() / "agent.toml",
              "allowed_origins = [\"https://emr.example\"]\n"
              "log_level = \"debug\"\n"
              "[limits]\nbody_bytes = 1024\n");
    const CommandResult added = runCommand({agentExe(), "clients", "add", "emr", "--state-dir", state()});
    ASSERT_EQ(added.exitCode, 0) << added.err;
    key = added.out.substr(0, added.out.find('\n'));
    agent = std::make_unique<AgentProcess>(
        std::vector<std::string>{"--config", (dir.path() / "agent.toml").string(), "--state-dir",
                                 state(), "--listen", "127.0.0.1:0", "--socket", socket()},
        dir.path());
  }

  std::string state() const { return (dir.path() / "state").string(); }
  std::string socket() const { return (dir.path() / "run" / "api.sock").string(); }
  HttpReply get(const std::string& target, std::map<std::string, std::string> headers = {}) {
    return httpCall(agent->port(), {"GET", target, "", std::move(headers)});
  }
  std::map<std::string, std::string> auth() const { return {{"Authorization", "Bearer " + key}}; }
  std::map<std::string, std::string> json_auth() const {
    return {{"Authorization", "Bearer " + key}, {"Content-Type", "application/json"}};
  }

  TempDir dir;
  std::string key;
  std::unique_ptr<AgentProcess> agent;
};

// `ehagent serve --check-config` over a config file with this text.
CommandResult checkConfig(const TempDir& dir, const std::string& text) {
  writeFile(dir.path() / "agent.toml", text);
  return runCommand({agentExe(), "serve", "--check-config", "--config", (dir.path() / "agent.toml").string()});
}

}  // namespace

TEST_F(ServeTest, StatusWithoutAKeySaysOnlyTheVersion) {
  const HttpReply r = get("/v1/status");
  ASSERT_EQ(r.status, 200);
  EXPECT_FALSE(r.json()["version"].get<std::string>().empty());
  EXPECT_EQ(r.json().size(), 1U) << r.body;
  const HttpReply client = get("/v1/status", auth());
  ASSERT_EQ(client.status, 200);
  EXPECT_TRUE(client.json()["readers"].is_array()) << client.body;
}

TEST_F(ServeTest, HostRebindingIsMisdirected) {
  const HttpReply r = get("/v1/status", {{"Host", "rebind.attacker.example:" + std::to_string(agent->port())}});
  EXPECT_EQ(r.status, 421);
  EXPECT_EQ(r.json()["code"], "misdirected");
  EXPECT_EQ(get("/v1/status", {{"Host", "localhost:" + std::to_string(agent->port())}}).status, 200);
}

TEST_F(ServeTest, UnlistedOriginIsForbidden) {
  const HttpReply r = get("/v1/status", {{"Origin", "https://evil.example"}});
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.json()["code"], "forbidden_origin");
}

TEST_F(ServeTest, AllowedOriginGetsCorsAndPrivateNetworkPreflight) {
  const HttpReply preflight = httpCall(
      agent->port(), {"OPTIONS", "/v1/sign", "",
                      {{"Origin", "https://emr.example"},
                       {"Access-Control-Request-Method", "POST"},
                       {"Access-Control-Request-Headers", "authorization, content-type"},
                       {"Access-Control-Request-Private-Network", "true"}}});
  EXPECT_EQ(preflight.status, 204);
  EXPECT_EQ(preflight.header("access-control-allow-origin"), "https://emr.example");
  EXPECT_EQ(preflight.header("access-control-allow-private-network"), "true");
  EXPECT_NE(preflight.header("access-control-allow-headers").find("Authorization"), std::string::npos);
  const HttpReply call = get("/v1/audit", {{"Origin", "https://emr.example"}, {"Authorization", "Bearer " + key}});
  EXPECT_EQ(call.status, 200);
  EXPECT_EQ(call.header("access-control-allow-origin"), "https://emr.example");
  // Preflights are not logged as calls; the call after it is (the log runs at debug).
  EXPECT_NE(agent->log().find("GET /v1/audit -> 200 client=emr"), std::string::npos) << agent->log();
  EXPECT_EQ(agent->log().find("OPTIONS"), std::string::npos) << agent->log();
}

TEST_F(ServeTest, MissingOrWrongKeyIsUnauthorized) {
  EXPECT_EQ(get("/v1/audit").status, 401);
  const HttpReply wrong = get("/v1/audit", {{"Authorization", "Bearer " + std::string(43, 'A')}});
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(wrong.json()["code"], "unauthorized");
  EXPECT_EQ(get("/v1/audit", auth()).status, 200);
}

TEST_F(ServeTest, OversizedBodyIsRefused) {
  const HttpReply r = httpCall(agent->port(), {"POST", "/v1/sign", std::string(4096, 'x'), json_auth()});
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(r.json()["code"], "payload_too_large");
  // A known client's oversized submission is audited as refused.
  const nlohmann::json rows = get("/v1/audit", auth()).json();
  const std::string text = rows.dump();
  EXPECT_NE(text.find("POST /v1/sign"), std::string::npos) << text;
  EXPECT_NE(text.find("payload_too_large"), std::string::npos) << text;
}

TEST_F(ServeTest, MalformedJsonIsInvalidInputWithAPointer) {
  const HttpReply r = httpCall(agent->port(), {"POST", "/v1/sign", "{\"data\": [", json_auth()});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.header("content-type"), "application/problem+json");
  EXPECT_EQ(r.json()["code"], "invalid_input");
  ASSERT_TRUE(r.json().contains("pointer"));
  const HttpReply missing = httpCall(agent->port(), {"POST", "/v1/sign", "{}", json_auth()});
  EXPECT_EQ(missing.json()["pointer"], "/data");
}

TEST_F(ServeTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  HttpClient client(agent->port());
  for (int i = 0; i < 3; ++i) {
    const HttpReply r = client.send({"GET", "/v1/status", "", {}});
    EXPECT_EQ(r.status, 200);
    EXPECT_NE(r.header("connection"), "close");
  }
}

TEST_F(ServeTest, EveryAnsweredRouteIsInTheServedOpenApi) {
  const nlohmann::json doc = get("/openapi.json").json();
  ASSERT_TRUE(doc["openapi"].get<std::string>().starts_with("3.1"));
  const Router router = makeRouter();
  for (const Route& route : router.routes()) {
    std::string method(http::to_string(route.method));
    if (route.pattern == "/v1/events") continue;  // a stream; its route is checked below
    std::string target = route.pattern;
    for (std::size_t open; (open = target.find('{')) != std::string::npos;) {
      target.replace(open, target.find('}', open) - open + 1, "x");
    }
    const HttpReply r = httpCall(agent->port(), {method, target, "{}", json_auth()});
    // A 404 from the route itself (an unknown hub, say) carries its own code; only the router's
    // not_found means nothing answers the path.
    EXPECT_FALSE(r.status == 404 && r.json().value("code", "") == "not_found")
        << method << " " << target << " is not answered";
    std::transform(method.begin(), method.end(), method.begin(), ::tolower);
    EXPECT_TRUE(doc["paths"].contains(route.pattern) && doc["paths"][route.pattern].contains(method))
        << method << " " << route.pattern << " is answered but missing from /openapi.json";
  }
  EXPECT_TRUE(doc["paths"]["/v1/events"].contains("get"));
}

TEST_F(ServeTest, UnixSocketIsPrivateAndChecksHost) {
  struct stat st {};
  ASSERT_EQ(::stat(socket().c_str(), &st), 0);
  EXPECT_TRUE(S_ISSOCK(st.st_mode));
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  const CommandResult ok = runCommand({"curl", "-s", "--unix-socket", socket(), "http://localhost/v1/status"});
  ASSERT_EQ(ok.exitCode, 0) << ok.err;
  EXPECT_TRUE(nlohmann::json::parse(ok.out).contains("version"));
  const CommandResult rebound = runCommand({"curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--unix-socket",
                                 socket(), "http://evil.example/v1/status"});
  EXPECT_EQ(rebound.out, "421");
  const CommandResult authed = runCommand({"curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--unix-socket",
                                socket(), "-H", "Authorization: Bearer " + key, "http://localhost/v1/audit"});
  EXPECT_EQ(authed.out, "200");
}

TEST_F(ServeTest, EventsStreamStartsWithTheState) {
  const CommandResult r = runCommand({"curl", "-s", "-N", "--max-time", "2", "-H", "Authorization: Bearer " + key,
                           "http://127.0.0.1:" + std::to_string(agent->port()) + "/v1/events"});
  EXPECT_NE(r.out.find("event: state\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"readers\""), std::string::npos) << r.out;
}

TEST_F(ServeTest, SigtermStopsCleanly) {
  EXPECT_EQ(get("/v1/status").status, 200);
  EXPECT_EQ(agent->stop(SIGTERM), 0) << agent->log();
  struct stat st {};
  EXPECT_NE(::stat(socket().c_str(), &st), 0) << "the socket file outlived the agent";
}

TEST_F(ServeTest, AuditChainSurvivesKillDashNineUnderLoad) {
  std::atomic<int> acknowledged{0};
  std::atomic<bool> go{true};
  std::vector<std::thread> clients;
  for (int t = 0; t < 4; ++t) {
    clients.emplace_back([&] {
      try {
        HttpClient client(agent->port());
        while (go) {
          const HttpReply r = client.send({"POST", "/v1/sign", R"({"data":"aGVsbG8=","patient":"15062034820"})", json_auth()});
          if (r.status == 409) ++acknowledged;  // refused for no_card, after its row committed
        }
      } catch (const std::exception&) {
        // The agent died under us: that is the point.
      }
    });
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (acknowledged < 40 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_EQ(agent->stop(SIGKILL), 128 + SIGKILL);
  go = false;
  for (auto& c : clients) c.join();
  ASSERT_GE(acknowledged.load(), 40);
  const CommandResult verify = runCommand({agentExe(), "audit", "verify", "--state-dir", state()});
  EXPECT_EQ(verify.exitCode, 0) << verify.out << verify.err;
  const CommandResult list = runCommand({agentExe(), "audit", "list", "--json", "--state-dir", state()});
  ASSERT_EQ(list.exitCode, 0) << list.err;
  // Every answered request had its row committed before the answer.
  EXPECT_GE(nlohmann::json::parse(list.out).size(), static_cast<std::size_t>(acknowledged.load()));
}

TEST(ServeStartup, NonLoopbackListenIsRefused) {
  TempDir dir;
  const CommandResult r = runCommand({agentExe(), "serve", "--state-dir", (dir.path() / "s").string(), "--no-socket",
                           "--listen", "0.0.0.0:0"});
  EXPECT_EQ(r.exitCode, 2);
  EXPECT_NE(r.err.find("loopback"), std::string::npos) << r.err;
}

TEST(ServeStartup, CheckConfigNamesAnUnknownKey) {
  TempDir dir;
  const CommandResult r = checkConfig(dir, "[limits]\nbody_bytez = 5\n");
  EXPECT_EQ(r.exitCode, 2);
  EXPECT_NE(r.err.find("limits.body_bytez"), std::string::npos) << r.err;
}

TEST(ServeStartup, CheckConfigRefusesAnStsWithoutTrust) {
  TempDir dir;
  const CommandResult r = checkConfig(dir, "[sts]\nendpoint = \"https://sts.example/IAM/SecurityTokenService/v1\"\n");
  EXPECT_EQ(r.exitCode, 2);
  EXPECT_NE(r.err.find("'sts.trust' is required"), std::string::npos) << r.err;
}

TEST(ServeStartup, CheckConfigRefusesAHubSectionMistake) {
  TempDir dir;
  const CommandResult check = checkConfig(dir, "[hubs.rsw]\nendpoint = \"https://rsw.example/hub\"\n");
  const std::string config = (dir.path() / "agent.toml").string();
  EXPECT_EQ(check.exitCode, 2);
  EXPECT_NE(check.err.find("'hubs.rsw.hub_id' is required"), std::string::npos) << check.err;
  // The same mistake stops a real start-up before it listens.
  const CommandResult serve = runCommand({agentExe(), "serve", "--config", config, "--state-dir", (dir.path() / "s").string(),
                               "--no-socket", "--listen", "127.0.0.1:0"});
  EXPECT_EQ(serve.exitCode, 2);
  EXPECT_NE(serve.err.find("hubs.rsw.hub_id"), std::string::npos) << serve.err;

  const CommandResult fixed = checkConfig(dir, "[hubs.rsw]\nendpoint = \"https://rsw.example/hub\"\nhub_id = \"1990000035\"\n");
  EXPECT_EQ(fixed.exitCode, 0) << fixed.err;
  EXPECT_EQ(fixed.out, "config ok\n");
}
