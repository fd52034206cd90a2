// The login side of the session: the certificate checks and the STS token on the network pool,
// the eID and eHealth PINs on their card queues, and the logged-in keys that routes sign with.
#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "agent/session/login_checks.hpp"
#include "agent/session/state.hpp"
#include "agent/session/worker_pool.hpp"
#include "pkcs11/error.hpp"
#include "tokens/sign/pkcs11_signer.hpp"
#include "tokens/sts/client.hpp"
#include "tokens/sts/token_cache.hpp"

namespace ehagent::agent {
namespace {

using LoginStep = std::function<std::shared_ptr<void>()>;

std::string lowerCase(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

std::string hcpartyCode(const std::string& profession) {
  const std::string p = lowerCase(profession);
  if (p == "doctor") return "persphysician";
  if (p == "nurse") return "persnurse";
  if (p == "pharmacist") return "perspharmacist";
  if (p == "dentist") return "persdentist";
  if (p == "physiotherapist") return "persphysiotherapist";
  if (p == "midwife") return "persmidwife";
  return "pers" + p;
}

// What the login checks see of a card; a token without its login certificate cannot log in.
LoginCertificate loginCertificateOf(const CardInfo& card, CardKeyRole role) {
  if (!card.login_certificate) {
    pkcs11::fail(pkcs11::ErrorKind::KeyNotFound, "C_FindObjects",
                 "the token \"" + card.token_label + "\" has no " +
                     (role == CardKeyRole::Ehealth ? "eHealth \"authentication\"" : "eID \"Authentication\"") +
                     " certificate");
  }
  return role == CardKeyRole::Ehealth ? ehealthCertificate(*card.login_certificate, card.token_certificates)
                                      : eidAuthenticationCertificate(*card.login_certificate, card.token_certificates);
}

}  // namespace

// Marks the session's one login attempt as ended, on every path out of login().
struct AgentSession::LoginRunning {
  AgentSession& session;
  explicit LoginRunning(AgentSession& s) : session(s) {}
  LoginRunning(const LoginRunning&) = delete;
  LoginRunning& operator=(const LoginRunning&) = delete;
  ~LoginRunning() {
    std::lock_guard lock(session.mutex_);
    session.state_->login_running = false;
    session.state_->insertion_login = false;
    for (auto& resume : session.state_->login_waiters) resume();
    session.state_->login_waiters.clear();
  }
};

boost::asio::awaitable<nlohmann::json> AgentSession::login(std::string client, std::stop_token abandon,
                                                           bool on_insertion) {
  std::optional<PractitionerInfo> who;
  std::vector<CardInfo> all;
  nlohmann::json current;
  bool token_pending = false;
  bool running = false;
  bool join = false;
  std::shared_ptr<LoggedInToken> pending_eid;
  // Where a client that joins an insertion's login waits; cancelled (from any thread, through a
  // post to its own executor) when that login ends.
  const auto executor = co_await boost::asio::this_coro::executor;
  std::shared_ptr<boost::asio::steady_timer> ended;
  {
    std::lock_guard lock(mutex_);
    who = state_->practitioner;
    if (who && state_->eid) {
      state_->last_use = std::chrono::steady_clock::now();
      token_pending = tokenPendingLocked();
      // Already logged in: the PIN state is still valid.
      if (token_pending) pending_eid = state_->eid;
      else current = sessionJsonLocked();
    }
    running = state_->login_running;
    join = running && state_->insertion_login && current.is_null() && !on_insertion;
    if (join) {
      ended = std::make_shared<boost::asio::steady_timer>(executor, boost::asio::steady_timer::time_point::max());
      state_->login_waiters.push_back([ended] { boost::asio::post(ended->get_executor(), [ended] { ended->cancel(); }); });
    }
    if (who && current.is_null() && !running) {
      state_->login_running = true;
      state_->insertion_login = on_insertion;
    }
    for (const auto& [path, cards] : state_->cards) all.insert(all.end(), cards.begin(), cards.end());
  }
  const auto audit = [&](const std::string& outcome, const std::string& code) {
    server_.audit.append(AuditEntry{client, who ? who->ssin : "", "login", "", "", outcome, code});
  };
  // Joining the session is audited like a login with PINs: every POST /v1/session has its row.
  if (!current.is_null()) {
    audit("ok", "");
    co_return current;
  }
  const auto refuse = [&](const Problem& refused) {
    audit("refused", refused.code);
    throw ProblemError(refused);
  };
  if (join) {
    boost::system::error_code ignored;
    co_await ended->async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ignored));
    std::optional<Problem> problem;
    {
      std::lock_guard lock(mutex_);
      if (state_->eid && !tokenPendingLocked()) current = sessionJsonLocked();
      problem = state_->last_login_problem;
    }
    if (!current.is_null()) {
      audit("ok", "");
      co_return current;
    }
    refuse(problem.value_or(problems::notLoggedIn()));
  }
  if (!who) refuse(problems::noCard("practitioner"));
  // A second dialog would queue behind the first on the card, and its client would wait without
  // an answer: it is told at once instead.
  if (running) {
    refuse(problems::busy("login_waiting"));
  }
  const LoginRunning clear_when_done{*this};
  std::shared_ptr<LoggedInToken> eid = pending_eid;
  std::exception_ptr failure;
  bool pins_given = token_pending;
  try {
    // With token_pending the PINs were given and the cards hold the logins; only the STS step
    // failed before, and this login retries that step alone, without asking any PIN again.
    if (!token_pending) eid = co_await logInToCards(client, *who, all, abandon);
    pins_given = true;
    co_await obtainSessionToken();
  } catch (...) {
    failure = std::current_exception();
  }
  if (failure) {
    const Problem problem = problemFromException(failure);
    audit("refused", problem.code);
    server_.events.publish("session.login_failed", {{"ssin", who->ssin}, {"client", client}, {"code", problem.code},
                                                    {"detail", problemJson(problem, server_.config.language).value("detail", "")}});
    std::lock_guard lock(mutex_);
    state_->last_login_problem = problem;
    // An STS that is down or refuses is not the practitioner's doing: the card logins stay (until
    // pin_idle_timeout_minutes), and the next POST /v1/session retries the STS step alone.
    const bool keep = pins_given && problem.code.starts_with("sts_") && state_->eid == eid;
    if (keep) {
      spdlog::warn("the STS step failed ({}); the card logins are kept for the next login", problem.code);
    } else if (state_->eid == eid && eid) {
      dropLoginLocked(client, "login_failed");
    }
    publishLocked();
    std::rethrow_exception(failure);
  }
  audit("ok", "");
  std::lock_guard lock(mutex_);
  state_->last_login_problem.reset();
  server_.events.publish("session.login", {{"ssin", who->ssin}, {"client", client}});
  publishLocked();
  co_return sessionJsonLocked();
}

// The certificate checks, then each token's PIN on its card queue; on success the logins are the
// session's. Returns the eID's.
boost::asio::awaitable<std::shared_ptr<AgentSession::LoggedInToken>> AgentSession::logInToCards(
    const std::string& client, const PractitionerInfo& who, const std::vector<CardInfo>& all,
    std::stop_token abandon) {
  const auto cardOf = [&](const std::string& label) {
    for (const CardInfo& card : all) {
      if (card.token_label == label) return card;
    }
    throw ProblemError(problems::cardRemoved("named", {{"card", label}}));
  };

  // The certificates first, before any PIN: a refusal must cost the practitioner no PIN try.
  std::vector<LoginCertificate> to_check{loginCertificateOf(cardOf(who.eid_token), CardKeyRole::EidAuthentication)};
  if (!who.ehealth_token.empty()) {
    to_check.push_back(loginCertificateOf(cardOf(who.ehealth_token), CardKeyRole::Ehealth));
  }
  std::function<LoginCheckOutcome()> check([to_check, settings = *check_settings_] {
    return checkLoginCertificates(to_check, settings, std::chrono::system_clock::now());
  });
  const LoginCheckOutcome checked = co_await server_.network.run<LoginCheckOutcome>(std::move(check));

  const auto loginStep = [&](const std::string& label, CardKeyRole role, std::string credential,
                             const certs::Certificate& checked_certificate) {
    const CardInfo card = cardOf(label);
    PinQuestion question{PinPurpose{client, prompter_->texts().get("action.login"), std::nullopt,
                                    who.first_names + " " + who.surname, std::nullopt},
                         std::move(credential), abandon};
    return server_.queues.forToken(label).run<std::shared_ptr<LoggedInToken>>(
        std::function<std::shared_ptr<LoggedInToken>()>([this, card, question, role, checked_certificate] {
          auto token = std::make_shared<LoggedInToken>();
          token->label = card.token_label;
          token->session = std::make_unique<pkcs11::Session>(card.module, card.slot);
          // The login must use the certificate that was checked: a card swapped into the same
          // slot under the same label since the monitor read it is stopped here, before the PIN.
          if (cardCertificate(*token->session, role) != checked_certificate) {
            throw ProblemError(problems::cardRemoved("replaced", {{"card", card.token_label}}));
          }
          if (!token->session->loggedIn()) prompter_->loginUser(*token->session, question);
          CardKey key = findCardKey(*token->session, role);
          token->signer = std::make_unique<tokens::Pkcs11Signer>(*token->session, key.key, std::move(key.certificate));
          return token;
        }));
  };
  std::shared_ptr<LoggedInToken> eid;
  std::shared_ptr<LoggedInToken> ehealth;
  eid = co_await loginStep(who.eid_token, CardKeyRole::EidAuthentication, "eID", to_check[0].certificate);
  if (!who.ehealth_token.empty()) {
    ehealth = co_await loginStep(who.ehealth_token, CardKeyRole::Ehealth, "eHealth certificate",
                                 to_check[1].certificate);
  }
  {
    std::lock_guard lock(mutex_);
    if (!state_->practitioner || state_->practitioner->eid_token != who.eid_token) {
      throw ProblemError(problems::cardRemoved("eid_during_login"));
    }
    state_->eid = eid;
    state_->ehealth = ehealth;
    state_->login_certificates = checked.certificates;
    state_->login_warnings = checked.warnings;
    state_->client = client;
    state_->login_time = std::chrono::system_clock::now();
    state_->last_use = std::chrono::steady_clock::now();
  }
  co_return eid;
}

bool AgentSession::tokenPendingLocked() const {
  return sts_ && state_->ehealth && !state_->token_expiry;
}

boost::asio::awaitable<void> AgentSession::obtainSessionToken() {
  {
    std::lock_guard lock(mutex_);
    if (!sts_ || !state_->ehealth) co_return;
  }
  (void)co_await samlToken();  // records the token's expiry in the session
}

tokens::SamlToken AgentSession::issueToken(const PractitionerInfo& who) {
  const tokens::Practitioner practitioner{who.ssin, sts_profession_};
  tokens::TokenSource source;
  source.issue = [this, practitioner] {
    const auto eid = queuedSigner(KeyRole::EidAuthentication);
    const auto ehealth = queuedSigner(KeyRole::Ehealth);
    return sts_->issue(practitioner, eid.get(), *ehealth);
  };
  source.renew = [this, practitioner](const tokens::SamlToken& old) {
    return sts_->renew(practitioner, old, *queuedSigner(KeyRole::Ehealth));
  };
  return token_cache_->obtain(who.ssin, sts_profession_, source);
}

namespace {

// A logged-in key seen from a network-pool thread: its certificate and algorithm were read at
// login; each signature runs on the key's card queue and this thread waits for it.
class QueuedSigner final : public tokens::Signer {
 public:
  using SignOnCard = std::function<std::vector<std::uint8_t>(std::vector<std::uint8_t>, tokens::SignatureAlgorithm)>;
  QueuedSigner(SignOnCard sign, certs::Certificate certificate, tokens::SignatureAlgorithm algorithm)
      : sign_(std::move(sign)), certificate_(std::move(certificate)), algorithm_(algorithm) {}
  std::vector<std::uint8_t> sign(std::span<const std::uint8_t> data, tokens::SignatureAlgorithm alg) override {
    return sign_(std::vector<std::uint8_t>(data.begin(), data.end()), alg);
  }
  const certs::Certificate& certificate() const override { return certificate_; }
  tokens::SignatureAlgorithm defaultAlgorithm() const override { return algorithm_; }

 private:
  SignOnCard sign_;
  certs::Certificate certificate_;
  tokens::SignatureAlgorithm algorithm_;
};

}  // namespace

std::unique_ptr<tokens::Signer> AgentSession::queuedSigner(KeyRole role) {
  const std::shared_ptr<LoggedInToken> token = tokenFor(role);
  CardQueue& queue = queueOf(*token);
  auto sign = [this, &queue, role](std::vector<std::uint8_t> data, tokens::SignatureAlgorithm alg) {
    return queue.call(std::function<std::vector<std::uint8_t>()>([this, role, data = std::move(data), alg] {
      std::vector<std::uint8_t> signature;
      useKey(role, [&](tokens::Signer& key) { signature = key.sign(data, alg); });
      return signature;
    }));
  };
  return std::make_unique<QueuedSigner>(std::move(sign), token->signer->certificate(),
                                        token->signer->defaultAlgorithm());
}

CardQueue& AgentSession::queueFor(KeyRole role) { return queueOf(*tokenFor(role)); }

boost::asio::awaitable<tokens::SamlToken> AgentSession::samlToken() {
  std::optional<PractitionerInfo> who = identified();
  if (!who || !loggedIn()) throw ProblemError(problems::notLoggedIn());
  if (!sts_) {
    throw ProblemError(problems::stsNotConfigured());
  }
  tokens::SamlToken token;
  if (auto cached = token_cache_->get(who->ssin, sts_profession_)) {
    token = std::move(*cached);
  } else {
    const PractitionerInfo practitioner = *who;
    std::function<tokens::SamlToken()> job([this, practitioner] { return issueToken(practitioner); });
    token = co_await server_.network.run<tokens::SamlToken>(std::move(job));
  }
  std::lock_guard lock(mutex_);
  // The login's STS step, or a later call after that step failed: the session shows the expiry.
  if (tokenPendingLocked()) {
    state_->token_expiry = token.not_on_or_after;
    publishLocked();
  }
  co_return token;
}

boost::asio::awaitable<std::string> AgentSession::samlAssertion() {
  const tokens::SamlToken token = co_await samlToken();
  co_return token.xml;
}

hubs::Practitioner AgentSession::practitioner() {
  std::lock_guard lock(mutex_);
  if (!state_->eid || !state_->practitioner) throw ProblemError(problems::notLoggedIn());
  const PractitionerInfo& who = *state_->practitioner;
  return hubs::Practitioner{who.nihii, who.ssin, hcpartyCode(who.profession), who.first_names,
                                   who.surname};
}

boost::asio::awaitable<hubs::SignedHubRequest> AgentSession::withHolderOfKey(
    std::function<hubs::SignedHubRequest(tokens::Signer&)> work) {
  auto result = co_await withEhealthKey<hubs::SignedHubRequest>(std::move(work));
  co_return result;
}

}  // namespace ehagent::agent
