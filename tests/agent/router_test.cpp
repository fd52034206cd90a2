// Routes and request hygiene, called as a plain function: no socket.
#include <gtest/gtest.h>

#include "core/time.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include "agent/session/card_queue.hpp"
#include "agent/session/worker_pool.hpp"
#include "agent/routes/routes.hpp"
#include "core/error.hpp"
#include "pkcs11/error.hpp"
#include "agent/pin/pinentry.hpp"
#include "test_util.hpp"

using namespace ehagent::agent;
using namespace ehagent::agent::test;
namespace asio = boost::asio;

namespace {

class RouterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    clients = std::make_unique<ClientStore>(ClientStore::defaultFile(dir.path()));
    audit = std::make_unique<AuditLog>(AuditLog::defaultFile(dir.path()));
    Config config;
    config.allowed_origins = {"https://emr.example"};
    context = std::make_unique<ServerContext>(
        ServerContext{config, *clients, *audit, queues, network, events, state, "0.1.0-test"});
    key = clients->add("emr");
  }

  Response call(http::verb method, const std::string& target, const std::string& body = "",
                std::map<std::string, std::string> headers = {}) {
    Request request{method, target, 11};
    request.set(http::field::host, "127.0.0.1:17443");
    for (const auto& [name, value] : headers) request.set(name, value);
    request.body() = body;
    request.prepare_payload();
    RequestContext request_context{*context, tcpAcceptedHosts(17443), {}, {}, {}, false, {}};
    asio::io_context io;
    std::optional<Response> response;
    asio::co_spawn(io, router.handle(request, request_context),
                   [&](std::exception_ptr error, Response r) {
                     if (!error) response = std::move(r);
                   });
    io.run();
    if (!response) throw std::runtime_error("the handler threw past the router");
    return std::move(*response);
  }

  std::map<std::string, std::string> auth() { return {{"Authorization", "Bearer " + key}}; }

  static nlohmann::json json(const Response& r) { return nlohmann::json::parse(r.body()); }

  TempDir dir;
  std::unique_ptr<ClientStore> clients;
  std::unique_ptr<AuditLog> audit;
  CardQueues queues{2};
  WorkerPool network{1, 4};
  EventBus events;
  StateBoard state{events};
  std::unique_ptr<ServerContext> context;
  Router router = makeRouter();
  std::string key;
};

}  // namespace

TEST_F(RouterTest, StatusToAClientHoldsNoSecrets) {
  const Response r = call(http::verb::get, "/v1/status", "", auth());
  ASSERT_EQ(r.result_int(), 200);
  const auto body = json(r);
  EXPECT_EQ(body["version"], "0.1.0-test");
  EXPECT_TRUE(body["readers"].is_array());
  EXPECT_EQ(r.body().find(key), std::string::npos);
}

TEST_F(RouterTest, StatusWithoutAKeySaysOnlyTheVersion) {
  state.set("practitioner", {{"ssin", "78031215280"}, {"name", "Alice SPECIMEN"}}, "session.login");
  state.set("readers", nlohmann::json::array({{{"card", {{"ssin", "15062034820"}}}}}), "status.readers");
  const Response r = call(http::verb::get, "/v1/status");
  ASSERT_EQ(r.result_int(), 200);
  EXPECT_EQ(json(r), nlohmann::json({{"version", "0.1.0-test"}}));
  // A key that is sent is checked, so a typo is not mistaken for "nobody is logged in".
  const Response wrong = call(http::verb::get, "/v1/status", "", {{"Authorization", "Bearer nope"}});
  EXPECT_EQ(wrong.result_int(), 401);
  EXPECT_EQ(json(call(http::verb::get, "/v1/status", "", auth()))["practitioner"]["ssin"], "78031215280");
}

TEST_F(RouterTest, StatusFollowsEveryStateChange) {
  // The status body is kept between requests; a change must replace it before its event goes
  // out, so that a client told by SSE reads the new state.
  EXPECT_TRUE(json(call(http::verb::get, "/v1/status", "", auth()))["practitioner"].is_null());
  std::string seen_on_event;
  const auto sub =
      events.subscribe([&](const Event&) { seen_on_event = call(http::verb::get, "/v1/status", "", auth()).body(); });
  state.set("practitioner", {{"ssin", "78031215280"}}, "session.login");
  events.unsubscribe(sub);
  ASSERT_FALSE(seen_on_event.empty());
  EXPECT_EQ(nlohmann::json::parse(seen_on_event)["practitioner"]["ssin"], "78031215280");
  const auto after = json(call(http::verb::get, "/v1/status", "", auth()));
  EXPECT_EQ(after["practitioner"]["ssin"], "78031215280");
  EXPECT_EQ(after["version"], "0.1.0-test");
  state.set("practitioner", nullptr, "session.logout");
  EXPECT_TRUE(json(call(http::verb::get, "/v1/status", "", auth()))["practitioner"].is_null());
}

TEST_F(RouterTest, HostMustNameTheListener) {
  for (const char* host : {"evil.example", "127.0.0.1:1", "attacker.example:17443", ""}) {
    Request request{http::verb::get, "/v1/status", 11};
    request.set(http::field::host, host);
    RequestContext request_context{*context, tcpAcceptedHosts(17443), {}, {}, {}, false, {}};
    asio::io_context io;
    int status = 0;
    asio::co_spawn(io, router.handle(request, request_context),
                   [&](std::exception_ptr, Response r) { status = r.result_int(); });
    io.run();
    EXPECT_EQ(status, 421) << host;
  }
  EXPECT_EQ(call(http::verb::get, "/v1/status", "", {{"Host", "localhost:17443"}}).result_int(), 200);
  EXPECT_EQ(call(http::verb::get, "/v1/status", "", {{"Host", "[::1]:17443"}}).result_int(), 200);
}

TEST_F(RouterTest, OriginsAreCheckedAndPreflightsAnswered) {
  const Response bad = call(http::verb::get, "/v1/status", "", {{"Origin", "https://evil.example"}});
  EXPECT_EQ(bad.result_int(), 403);
  EXPECT_EQ(json(bad)["code"], "forbidden_origin");
  const Response good = call(http::verb::get, "/v1/status", "", {{"Origin", "https://emr.example"}});
  EXPECT_EQ(good.result_int(), 200);
  EXPECT_EQ(good[http::field::access_control_allow_origin], "https://emr.example");
  const Response preflight =
      call(http::verb::options, "/v1/sign", "",
           {{"Origin", "https://emr.example"}, {"Access-Control-Request-Method", "POST"},
            {"Access-Control-Request-Private-Network", "true"}});
  EXPECT_EQ(preflight.result_int(), 204);
  EXPECT_EQ(preflight["Access-Control-Allow-Private-Network"], "true");
  const Response refused =
      call(http::verb::options, "/v1/sign", "",
           {{"Origin", "https://evil.example"}, {"Access-Control-Request-Method", "POST"}});
  EXPECT_EQ(refused.result_int(), 403);
  EXPECT_EQ(refused[http::field::access_control_allow_origin], "");
}

TEST_F(RouterTest, KeysAreRequiredAndChecked) {
  const Response none = call(http::verb::get, "/v1/audit");
  EXPECT_EQ(none.result_int(), 401);
  EXPECT_EQ(json(none)["code"], "unauthorized");
  EXPECT_EQ(none[http::field::www_authenticate], "Bearer");
  EXPECT_EQ(call(http::verb::get, "/v1/audit", "", {{"Authorization", "Bearer wrong"}}).result_int(), 401);
  EXPECT_EQ(call(http::verb::get, "/v1/audit", "", {{"Authorization", key}}).result_int(), 401);
  EXPECT_EQ(call(http::verb::get, "/v1/audit", "", auth()).result_int(), 200);
}

TEST_F(RouterTest, UnknownPathsAndMethods) {
  EXPECT_EQ(json(call(http::verb::get, "/v1/nothing", "", auth()))["code"], "not_found");
  const Response r = call(http::verb::put, "/v1/session", "", auth());
  EXPECT_EQ(r.result_int(), 405);
  EXPECT_EQ(json(r)["code"], "method_not_allowed");
  EXPECT_NE(std::string(r[http::field::allow]).find("POST"), std::string::npos);
}

TEST_F(RouterTest, MalformedInputPointsAtTheField) {
  const Response syntax = call(http::verb::post, "/v1/sign", "{\"data\": ", auth());
  EXPECT_EQ(syntax.result_int(), 400);
  EXPECT_EQ(syntax[http::field::content_type], "application/problem+json");
  EXPECT_EQ(json(syntax)["code"], "invalid_input");
  EXPECT_EQ(json(syntax)["pointer"], "");
  EXPECT_EQ(json(call(http::verb::post, "/v1/sign", "{}", auth()))["pointer"], "/data");
  EXPECT_EQ(json(call(http::verb::post, "/v1/sign", R"({"data": 5})", auth()))["pointer"], "/data");
  EXPECT_EQ(json(call(http::verb::post, "/v1/sign", R"({"data": "!!"})", auth()))["pointer"], "/data");
  EXPECT_EQ(json(call(http::verb::post, "/v1/sign", R"({"data": "aGk=", "patient": "12"})", auth()))["pointer"],
            "/patient");
  EXPECT_EQ(json(call(http::verb::get, "/v1/audit?patient=abc", "", auth()))["pointer"], "/patient");
}

TEST_F(RouterTest, RefusedSignaturesAreAudited) {
  const Response r = call(http::verb::post, "/v1/sign", R"({"data": "aGVsbG8=", "patient": "15062034820"})", auth());
  EXPECT_EQ(json(r)["code"], "no_card");
  const auto rows = json(call(http::verb::get, "/v1/audit?operation=sign&patient=15062034820", "", auth()))["rows"];
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0]["client"], "emr");
  EXPECT_EQ(rows[0]["outcome"], "refused");
  EXPECT_EQ(rows[0]["problem_code"], "no_card");
  // SHA-256("hello"), a published test vector.
  EXPECT_EQ(rows[0]["signed_sha256"], "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
}

// since= is an RFC 3339 time with any zone, compared as a time; a malformed one is a 400.
TEST_F(RouterTest, AuditSinceIsATimeWithItsZone) {
  audit->append(AuditEntry{"emr", "", "login", "", "", "ok", ""});
  const auto rowsSince = [&](const std::string& since) {
    const Response r = call(http::verb::get, "/v1/audit?since=" + since, "", auth());
    EXPECT_EQ(r.result_int(), 200) << since << " " << r.body();
    return json(r)["rows"].size();
  };
  const std::string stored = json(call(http::verb::get, "/v1/audit", "", auth()))["rows"][0]["time"];
  // The row's own instant, written in UTC and one hour east of it: both include the row.
  const auto at = ehagent::parseDateTime(stored);
  EXPECT_EQ(rowsSince(stored), 1u);
  const std::string plusOne = ehagent::formatUtc(at + std::chrono::hours(1), "%Y-%m-%dT%H:%M:%S") +
                              stored.substr(19, 4) + "%2B01:00";
  EXPECT_EQ(rowsSince(plusOne), 1u) << plusOne;
  // A millisecond later, in either spelling, excludes it.
  EXPECT_EQ(rowsSince(ehagent::formatDateTime(at + std::chrono::milliseconds(1))), 0u);
  for (const char* bad : {"2099-99-99xx", "2026-01-31", "2026-01-31T09:00:00", "2026-02-30T00:00:00Z", "yesterday"}) {
    const Response r = call(http::verb::get, std::string("/v1/audit?since=") + bad, "", auth());
    EXPECT_EQ(r.result_int(), 400) << bad;
    EXPECT_EQ(json(r)["pointer"], "/since") << bad;
  }
}

TEST_F(RouterTest, EveryRouteIsInTheOpenApiDocument) {
  const auto doc = json(call(http::verb::get, "/openapi.json"));
  ASSERT_TRUE(doc["openapi"].get<std::string>().starts_with("3.1"));
  ASSERT_FALSE(router.routes().empty());
  for (const Route& route : router.routes()) {
    std::string method(http::to_string(route.method));
    std::transform(method.begin(), method.end(), method.begin(), ::tolower);
    EXPECT_TRUE(doc["paths"].contains(route.pattern)) << route.pattern;
    if (!doc["paths"].contains(route.pattern)) continue;
    const auto& operation = doc["paths"][route.pattern];
    ASSERT_TRUE(operation.contains(method)) << method << " " << route.pattern;
    // A public route must say so (no security), a route open to anyone with more for a client
    // lists "none" ({}) beside the bearer scheme, and a protected one must not opt out of it.
    const auto& operationDoc = operation[method];
    const nlohmann::json expected = route.access == Access::none       ? nlohmann::json::array()
                                    : route.access == Access::optional ? nlohmann::json::parse(R"([{}, {"clientKey": []}])")
                                                                       : nlohmann::json();
    EXPECT_EQ(operationDoc.value("security", nlohmann::json()), expected) << method << " " << route.pattern;
  }
}

TEST(ProblemMapping, EachLayerMapsToItsCode) {
  using ehagent::pkcs11::Error;
  using ehagent::pkcs11::ErrorKind;
  const auto map = [](auto error) { return problemFromException(std::make_exception_ptr(error)); };
  EXPECT_EQ(map(Error(ErrorKind::PinIncorrect, "C_Login", 0xa0, "x")).code, "pin_incorrect");
  EXPECT_EQ(map(Error(ErrorKind::PinLocked, "C_Login", 0xa4, "x")).code, "pin_locked");
  EXPECT_EQ(map(Error(ErrorKind::CardRemoved, "C_Sign", 0x32, "x")).code, "card_removed");
  EXPECT_EQ(map(Error(ErrorKind::Cancelled, "C_Login", 0x50, "x")).code, "pin_cancelled");
  EXPECT_EQ(map(PinentryCancelled()).code, "pin_cancelled");
  const Problem tries = map(ProblemError(problems::pinIncorrect(2, "eID")));
  EXPECT_EQ(tries.status, 403);
  EXPECT_EQ(problemJson(tries)["tries_left"], 2);
  EXPECT_EQ(map(ProblemError(problems::busy("queue_full", {{"card", "x"}}))).status, 429);
  EXPECT_EQ(map(ProblemError(problems::misdirected("x"))).status, 421);
  EXPECT_EQ(map(ProblemError(problems::payloadTooLarge(1))).status, 413);
  const Problem internal = map(std::runtime_error("boom"));
  EXPECT_EQ(internal.status, 500);
  EXPECT_EQ(internal.detail.find("boom"), std::string::npos);  // internals stay in the log
}

// The detail and title in the asker's language (Accept-Language, else the config's); the code,
// the type and the members stay as they are, so a client's handling does not change with them.
TEST_F(RouterTest, ProblemsSpeakTheAskersLanguage) {
  const Response dutch = call(http::verb::get, "/v1/nothing", "", {{"Authorization", "Bearer " + key},
                                                                   {"Accept-Language", "nl-BE, fr;q=0.8"}});
  EXPECT_EQ(dutch[http::field::content_language], "nl");
  EXPECT_EQ(json(dutch)["code"], "not_found");
  EXPECT_EQ(json(dutch)["type"], "/problems/not_found");
  EXPECT_EQ(json(dutch)["title"], "Niet gevonden");
  EXPECT_EQ(json(dutch)["detail"], "geen route voor /v1/nothing");

  const Response german = call(http::verb::get, "/v1/status", "", {{"Authorization", "Bearer wrong"},
                                                                   {"Accept-Language", "de"}});
  EXPECT_EQ(german.result_int(), 401);
  EXPECT_EQ(json(german)["code"], "unauthorized");
  EXPECT_EQ(json(german)["detail"], "der Client-Schlüssel ist nicht gültig");

  // A caching client must know the answer varies with both the language and the origin.
  const Response cors = call(http::verb::get, "/v1/nothing", "", {{"Authorization", "Bearer " + key},
                                                                  {"Origin", "https://emr.example"}, {"Accept-Language", "fr"}});
  EXPECT_EQ(cors[http::field::vary], "Accept-Language, Origin");
  EXPECT_EQ(cors[http::field::access_control_allow_origin], "https://emr.example");

  // No language of the four asked for: English; none asked: the config's.
  EXPECT_EQ(json(call(http::verb::get, "/v1/nothing", "", {{"Accept-Language", "ja, en;q=0.5"}}))["detail"],
            "no route for /v1/nothing");
  context->config.language = Language::Fr;
  const Response french = call(http::verb::post, "/v1/sign", "{\"data\": ", auth());
  EXPECT_EQ(french[http::field::content_language], "fr");
  EXPECT_EQ(json(french)["code"], "invalid_input");
  EXPECT_EQ(json(french)["pointer"], "");
  // A validator's words are English: they go along as `reason` under the code's own sentence.
  EXPECT_EQ(json(french)["reason"], "the body is not valid JSON (at byte 10)");
  EXPECT_EQ(json(french)["detail"].get<std::string>().find("JSON"), std::string::npos) << json(french);
  context->config.language = Language::En;
  EXPECT_FALSE(json(call(http::verb::post, "/v1/sign", "{\"data\": ", auth())).contains("reason"));
}

TEST(ProblemLanguage, WhoseAndHowManyAreSaidInEachLanguage) {
  const Problem tries = problems::pinIncorrect(2, "eHealth certificate");
  EXPECT_EQ(problemJson(tries)["detail"], "the eHealth certificate PIN was incorrect; 2 tries left");
  EXPECT_EQ(problemJson(tries, Language::Nl)["detail"], "de PIN van het eHealth-certificaat was onjuist; nog 2 pogingen");
  EXPECT_EQ(problemJson(tries, Language::Nl)["credential"], "eHealth certificate");  // a member, not words
  EXPECT_EQ(problemJson(tries, Language::Nl)["tries_left"], 2);
  const Problem down = problemFromException(std::make_exception_ptr(ehagent::Error("sts_unreachable", "connect: refused")));
  const nlohmann::json german = problemJson(down, Language::De);
  EXPECT_EQ(german["code"], "sts_unreachable");
  EXPECT_EQ(german["status"], 502);
  EXPECT_EQ(german["detail"], "der eHealth-STS ist nicht erreichbar; versuchen Sie es später erneut");
  EXPECT_EQ(german["reason"], "connect: refused");
  EXPECT_FALSE(problemJson(down).contains("reason"));
  EXPECT_EQ(problemJson(down)["detail"], "connect: refused");
}
