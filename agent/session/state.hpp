#pragma once
// The private state behind AgentSession, shared by its three source files (cards, login, keys).
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "agent/http/problem.hpp"
#include "agent/session/card_signers.hpp"
#include "agent/session/session.hpp"
#include "pkcs11/session.hpp"
#include "tokens/sign/pkcs11_signer.hpp"

namespace ehagent::agent {

// A token the practitioner is logged in to. Card work holds a shared_ptr, so a removal can drop
// the session's reference at once while a running job finishes (and fails) with its own.
struct AgentSession::LoggedInToken {
  std::mutex mutex;  // one user of the Cryptoki session at a time, across card queues
  std::unique_ptr<pkcs11::Session> session;
  // Built once the login found the key: its facts are read then, not for each signature.
  std::unique_ptr<tokens::Pkcs11Signer> signer;
  std::string label;
  bool dropped = false;  // under mutex: logged out or removed; no more work
};

struct AgentSession::State {
  std::map<std::string, std::vector<CardInfo>> cards;  // by module path
  std::optional<PractitionerInfo> practitioner;         // identified (card in)
  std::shared_ptr<LoggedInToken> eid;                   // logged in
  std::shared_ptr<LoggedInToken> ehealth;
  std::string client;  // who logged in
  std::chrono::system_clock::time_point login_time;
  std::chrono::steady_clock::time_point last_use;
  std::optional<std::chrono::system_clock::time_point> token_expiry;
  nlohmann::json login_certificates;  // what the certificate checks found at login
  nlohmann::json login_warnings;
  bool login_running = false;  // a POST /v1/session is between its checks and its end
  bool insertion_login = false;  // ... and it is the one an insertion started
  // Called once the running login ends, under the mutex: clients that joined it resume.
  std::vector<std::function<void()>> login_waiters;
  std::optional<Problem> last_login_problem;  // how the last login ended; none: it succeeded
};

// "2024-01-31T12:34:56Z"
std::string isoUtc(std::chrono::system_clock::time_point time);
std::string holderName(const CardInfo& card);
nlohmann::json cardJson(const CardInfo& card);

}  // namespace ehagent::agent
