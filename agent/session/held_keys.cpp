// The logged-in keys, and the session following the card's real state. A card pulled and put
// straight back (during a signature, or between two scans of the monitor) comes back with the same
// slot and label, so the monitor sees no change; but its Cryptoki sessions are gone, and with them
// the PIN state. Whoever meets that first (a key use failing with card_removed, or the monitor's
// look at the held sessions) ends the login, so status and events say what happened instead of
// showing a session on which every call fails.
#include <spdlog/spdlog.h>

#include "agent/session/state.hpp"
#include "core/bytes.hpp"
#include "core/digest.hpp"
#include "pkcs11/error.hpp"

namespace ehagent::agent {
namespace {

// The card no longer holds this login: removed (its sessions are invalid) or reset (logged out).
std::optional<std::string> lostReason(const pkcs11::Error& e) {
  if (e.kind() == pkcs11::ErrorKind::CardRemoved) return "card_removed";
  if (e.kind() == pkcs11::ErrorKind::NotLoggedIn) return "card_logged_out";
  return std::nullopt;
}

}  // namespace

std::shared_ptr<AgentSession::LoggedInToken> AgentSession::tokenFor(KeyRole role) {
  std::lock_guard lock(mutex_);
  auto token = role == KeyRole::EidAuthentication ? state_->eid : state_->ehealth;
  if (!token || !token->signer) throw ProblemError(problems::notLoggedIn());
  return token;
}

void AgentSession::useKey(KeyRole role, const std::function<void(tokens::Signer&)>& work) {
  useToken(tokenFor(role), work);
}

void AgentSession::useToken(const std::shared_ptr<LoggedInToken>& token,
                            const std::function<void(tokens::Signer&)>& work) {
  {
    std::lock_guard lock(mutex_);
    // The login this token belonged to has ended (logout, removal) or been replaced.
    if (state_->eid != token && state_->ehealth != token) throw ProblemError(problems::notLoggedIn());
    state_->last_use = std::chrono::steady_clock::now();
  }
  try {
    std::lock_guard use(token->mutex);
    if (token->dropped) throw ProblemError(problems::notLoggedIn());
    work(*token->signer);
    return;
  } catch (const pkcs11::Error& e) {
    // The token's own lock is released here: ending the login takes the session's lock, and
    // dropLoginLocked tries the token's.
    if (const auto lost = lostReason(e)) loseLogin(token, *lost);
    throw;
  }
}

AgentSession::HeldKey AgentSession::heldKey(KeyRole role) {
  auto token = tokenFor(role);
  // The signer is built before the token is published and never changes: its facts are read here
  // without the token's lock, which a running signature holds.
  return {token, token->signer->certificate(), token->signer->defaultAlgorithm()};
}

CardQueue& AgentSession::queueOf(const LoggedInToken& token) { return server_.queues.forToken(token.label); }

// Not a coroutine: it hands back the queue's awaitable, so no coroutine parameter is captured by a
// lambda in a co_await expression, which GCC 12 destroys twice (the audit then writes freed memory).
boost::asio::awaitable<std::vector<std::uint8_t>> AgentSession::signWithHeldKey(
    HeldKey key, std::string data, tokens::SignatureAlgorithm algorithm, std::shared_ptr<SignatureAudit> audit) {
  CardQueue& queue = queueOf(*key.token);
  const std::string digest = sha256Hex(data);
  std::function<std::vector<std::uint8_t>()> job(
      [this, token = std::move(key.token), data = std::move(data), algorithm, audit] {
        std::vector<std::uint8_t> signature;
        useToken(token, [&](tokens::Signer& signer) { signature = signer.sign(asBytes(data), algorithm); });
        audit->durable();
        return signature;
      });
  std::function<void()> queued([audit] { audit->wake(); });
  // The row is queued last, once nothing but the queue's own call can fail, so that it always gets
  // its wake-up; and quietly, the writer woken only once the card has its job: woken first, the
  // writer's CPU burst tends to hold up the card's thread on a small machine.
  audit->start(digest, /*quietly=*/true);
  return queue.run<std::vector<std::uint8_t>>(std::move(job), std::move(queued));
}

void AgentSession::loseLogin(const std::shared_ptr<LoggedInToken>& token, const std::string& reason) {
  std::lock_guard lock(mutex_);
  if (!token || (state_->eid != token && state_->ehealth != token)) return;  // already ended
  spdlog::warn("the card {} no longer holds the login ({})", token->label, reason);
  dropLoginLocked("", reason);
  server_.queues.failPending(token->label, problems::cardRemoved("reset", {{"card", token->label}}));
  publishLocked();
}

void AgentSession::checkHeldLogins() {
  std::vector<std::shared_ptr<LoggedInToken>> held;
  {
    std::lock_guard lock(mutex_);
    for (const auto& token : {state_->eid, state_->ehealth}) {
      if (token) held.push_back(token);
    }
  }
  for (const auto& token : held) {
    std::optional<std::string> lost;
    {
      // A token in use is being checked by its own call; C_GetSessionInfo needs no card I/O.
      std::unique_lock use(token->mutex, std::try_to_lock);
      if (!use.owns_lock() || token->dropped || !token->session) continue;
      try {
        if (!token->session->loggedIn()) lost = "card_logged_out";
      } catch (const pkcs11::Error& e) {
        lost = lostReason(e);
      }
    }
    if (lost) loseLogin(token, *lost);
  }
}

}  // namespace ehagent::agent
