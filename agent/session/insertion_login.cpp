// login_on_insert: the practitioner's eID coming in starts the login that POST /v1/session would,
// on the session's own executor. Each PIN is asked once; a wrong or cancelled PIN ends that
// attempt with its audit row and its session.login_failed event, and nothing retries it: the next
// attempt is the next insertion or a client's POST /v1/session.
#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include "agent/session/session_runner.hpp"
#include "agent/session/state.hpp"

namespace ehagent::agent {
namespace {

// The name the PIN dialog and the audit give the login: no client asked for it.
constexpr const char* kInsertionClient = "ehagent (eID inserted)";

}  // namespace

void AgentSession::startInsertionLoginLocked() {
  if (!server_.config.login_on_insert || !state_->practitioner || state_->eid || state_->login_running) return;
  boost::asio::co_spawn(runner_->executor(), insertionLogin(), boost::asio::detached);
}

boost::asio::awaitable<void> AgentSession::insertionLogin() {
  try {
    (void)co_await login(kInsertionClient, insertion_stop_.get_token(), true);
  } catch (const std::exception& e) {
    spdlog::info("the login the eID's insertion started has ended without a session: {}", e.what());
  }
}

}  // namespace ehagent::agent
