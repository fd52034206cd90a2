// GET /problems/{code}: a problem's `type` resolves to a page of the agent itself, without a key,
// behind the same Host check as every route. Through the router, without a socket.
#include <gtest/gtest.h>

#include <utility>  // before asio: Boost 1.74 awaitable.hpp uses std::exchange without it

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include "agent/routes/problem_texts.hpp"
#include "agent/routes/routes.hpp"
#include "agent/session/card_queue.hpp"
#include "agent/session/worker_pool.hpp"
#include "tests/support/support.hpp"

namespace ehagent::agent {
namespace {

class ProblemPagesTest : public ::testing::Test {
 protected:
  Response get(const std::string& target, const std::string& host = "127.0.0.1:17443") {
    Request request{http::verb::get, target, 11};
    request.set(http::field::host, host);
    RequestContext context{server, tcpAcceptedHosts(17443), {}, {}, {}, false, {}};
    boost::asio::io_context io;
    auto answer = boost::asio::co_spawn(io, router.handle(request, context), boost::asio::use_future);
    io.run();
    return answer.get();
  }

  testsupport::TempDir dir{"ehagent-problem-pages"};
  ClientStore clients{ClientStore::defaultFile(dir.path())};
  AuditLog audit{AuditLog::defaultFile(dir.path())};
  CardQueues queues{2};
  WorkerPool network{1, 2};
  EventBus events;
  StateBoard state{events};
  ServerContext server{Config{}, clients, audit, queues, network, events, state, "0.1.0-test"};
  Router router = makeRouter();
};

TEST_F(ProblemPagesTest, EveryCodeHasAnEscapedPage) {
  for (const ProblemText& text : problemTexts()) {
    const Response page = get("/problems/" + std::string(text.code));
    ASSERT_EQ(page.result_int(), 200) << text.code;
    EXPECT_EQ(page[http::field::content_type], "text/html; charset=utf-8");
    EXPECT_EQ(page["Content-Security-Policy"], "default-src 'none'");
    EXPECT_NE(page.body().find("<code>" + std::string(text.code) + "</code>"), std::string::npos) << page.body();
    EXPECT_EQ(page.body().find('`'), std::string::npos) << "a backquote left unconverted: " << text.code;
  }
  // The texts' quotes and commands come out escaped and marked up.
  const std::string revocation = get("/problems/revocation_unknown").body();
  EXPECT_NE(revocation.find("policy = &quot;soft-fail&quot;"), std::string::npos) << revocation;
  EXPECT_NE(revocation.find("<title>Certificate revocation status unknown (revocation_unknown)</title>"),
            std::string::npos);
  EXPECT_NE(get("/problems/unauthorized").body().find("<code>ehagent-install clients add NAME</code>"),
            std::string::npos);
}

TEST_F(ProblemPagesTest, AProblemsTypeResolvesToItsPage) {
  const Response refused = get("/v1/cards");  // no key
  ASSERT_EQ(refused.result_int(), 401);
  const auto problem = nlohmann::json::parse(refused.body());
  EXPECT_EQ(problem["type"], "/problems/unauthorized");
  const Response page = get(problem["type"].get<std::string>());
  EXPECT_EQ(page.result_int(), 200);
  EXPECT_NE(page.body().find("<h1>A valid client key is required</h1>"), std::string::npos) << page.body();
}

TEST_F(ProblemPagesTest, AnUnknownCodeIsAProblemWithAPageOfItsOwn) {
  const Response unknown = get("/problems/%3Cscript%3E");
  EXPECT_EQ(unknown.result_int(), 404);
  EXPECT_EQ(unknown[http::field::content_type], "application/problem+json");
  const auto problem = nlohmann::json::parse(unknown.body());
  EXPECT_EQ(problem["code"], "unknown_problem");
  EXPECT_EQ(get(problem["type"].get<std::string>()).result_int(), 200);
}

TEST_F(ProblemPagesTest, TheHostCheckHolds) {
  EXPECT_EQ(get("/problems/busy", "evil.example").result_int(), 421);
  EXPECT_EQ(get("/problems/busy", "localhost:17443").result_int(), 200);
}

}  // namespace
}  // namespace ehagent::agent
