// The card side of the session: what the monitor reports, who is identified, what the status
// board and the event stream show, and what a removal or an idle timeout ends.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <set>
#include <thread>

#include "agent/session/login_checks.hpp"
#include "agent/config/revocation.hpp"
#include "agent/session/session_runner.hpp"
#include "agent/session/state.hpp"
#include "certs/expiry.hpp"
#include "pkcs11/uri.hpp"
#include "pkcs11/module.hpp"
#include "tokens/sts/client.hpp"
#include "tokens/sts/profiles.hpp"
#include "tokens/sts/token_cache.hpp"

namespace ehagent::agent {

std::string isoUtc(std::chrono::system_clock::time_point time) { return certs::isoDateTime(time); }

std::string holderName(const CardInfo& card) {
  if (!card.holder) return card.token_label;
  return card.holder->firstNames + " " + card.holder->surname;
}

nlohmann::json cardJson(const CardInfo& card) {
  nlohmann::json json = {{"module", card.module ? card.module->path() : ""},
                         {"slot", card.slot},
                         {"reader", card.reader},
                         {"card_present", true},
                         {"token", card.token_label},
                         {"kind", std::string(pkcs11::toString(card.kind))}};
  if (card.holder) json["holder"] = {{"name", holderName(card)}, {"ssin", card.holder->ssin}};
  if (!card.ehealth_ssin.empty()) {
    json["ehealth"] = {{"ssin", card.ehealth_ssin}, {"nihii", card.ehealth_nihii},
                       {"profession", card.ehealth_profession}};
  }
  return json;
}

namespace {

bool sameCard(const CardInfo& a, const CardInfo& b) {
  return a.slot == b.slot && a.token_label == b.token_label;
}

// The practitioner is an eID whose holder has an eHealth token in. Where the machine holds any
// eHealth token, an eID without one is a patient's card (read for a consent), never the
// practitioner, even while the practitioner's own card is out; only a machine with no eHealth
// token at all takes an eID alone. The one already identified stays while its card is in, so a
// second practitioner's card does not take over. With `practitioner_ssin` configured, only that
// holder can be the practitioner: otherwise which of two practitioners present at start-up wins
// would depend on the module's slot order. With `practitioner_token` (a PKCS#11 URI), only the
// eHealth token it names counts as the practitioner's.
std::optional<PractitionerInfo> identify(const std::vector<CardInfo>& all,
                                         const std::optional<PractitionerInfo>& current,
                                         const std::string& only_ssin, const std::string& only_token) {
  const bool any_ehealth = std::any_of(all.begin(), all.end(), [](const CardInfo& card) {
    return card.kind == pkcs11::TokenKind::EHealth;
  });
  std::vector<PractitionerInfo> candidates;
  for (const CardInfo& eid : all) {
    if (!eid.holder || eid.holder->ssin.empty()) continue;
    if (!only_ssin.empty() && eid.holder->ssin != only_ssin) continue;
    PractitionerInfo who{eid.holder->ssin, "", "", eid.holder->firstNames, eid.holder->surname,
                         eid.token_label, "", {}};
    for (const CardInfo& eh : all) {
      if (eh.kind == pkcs11::TokenKind::EHealth && eh.ehealth_ssin == eid.holder->ssin &&
          (only_token.empty() || pkcs11::tokenSelected(only_token, eh.token_info))) {
        who.nihii = eh.ehealth_nihii;
        who.profession = eh.ehealth_profession;
        who.ehealth_token = eh.token_label;
        who.warnings = eh.ehealth_warnings;
        break;
      }
    }
    if (any_ehealth && who.ehealth_token.empty()) continue;
    if (current && current->eid_token == who.eid_token && current->ssin == who.ssin) return who;
    candidates.push_back(std::move(who));
  }
  if (!candidates.empty()) return candidates.front();
  return std::nullopt;
}

nlohmann::json practitionerJson(const std::optional<PractitionerInfo>& who) {
  if (!who) return nullptr;
  return {{"name", who->first_names + " " + who->surname}, {"ssin", who->ssin},
          {"nihii", who->nihii.empty() ? nlohmann::json(nullptr) : nlohmann::json(who->nihii)},
          {"profession", who->profession}, {"eid_token", who->eid_token},
          {"ehealth_token", who->ehealth_token}, {"warnings", practitionerWarningsJson(*who)}};
}

}  // namespace

nlohmann::json practitionerWarningsJson(const PractitionerInfo& who) {
  nlohmann::json warnings = nlohmann::json::array();
  for (const std::string& code : who.warnings) {
    std::string detail = code;
    if (code == "nihii_check_digits") {
      detail = "the NIHII " + who.nihii + " in the eHealth certificate fails its modulo-97 check digits; it is "
               "used as it is, since RIZIV/INAMI also issues numbers checked modulo 89. If a hub refuses it, "
               "have the eHealth certificate's NIHII checked";
    }
    warnings.push_back({{"code", code}, {"detail", std::move(detail)}});
  }
  return warnings;
}

AgentSession::AgentSession(ServerContext& server)
    : server_(server), state_(std::make_unique<State>()) {
  runner_ = std::make_unique<SessionRunner>();
  PinentryOptions pinentry;
  pinentry.program = server.config.pinentry;
  pinentry.timeout = std::chrono::seconds(server.config.pin_timeout_seconds);
  pinentry.language = server.config.language;
  // A pinpad shows no dialog of ours: the client is told, so that it can tell the practitioner
  // to look at the reader.
  prompter_ = std::make_unique<PinPrompter>(pinentry, [this](const std::string& token, const PinQuestion& question) {
    server_.events.publish("pin.pinpad", {{"token", token},
                                          {"credential", question.credential},
                                          {"client", question.purpose.client_name},
                                          {"action", question.purpose.action},
                                          {"message", "Enter the " + question.credential +
                                                          " PIN on the card reader's pinpad"}});
  });
  if (server.config.sts) {
    const StsSettings& settings = *server.config.sts;
    if (!settings.profiles_file.empty()) {
      sts_profiles_ = std::make_unique<tokens::StsProfiles>(tokens::StsProfiles::fromFile(settings.profiles_file));
    }
    sts_ = std::make_unique<tokens::StsClient>(
        settings.client, sts_profiles_ ? *sts_profiles_ : tokens::StsProfiles::builtin());
    tokens::TokenCacheOptions cache;
    cache.sts_trust = settings.client.sts_trust;
    if (settings.persist_tokens && !server.config.state_dir.empty()) {
      cache.persist_file = server.config.state_dir / "saml-tokens.bin";
    }
    token_cache_ = std::make_unique<tokens::TokenCache>(std::move(cache));
    sts_profession_ = settings.profession;
  }
  LoginCheckSettings checks;
  checks.bundled_trust_dir = server.config.bundled_trust_dir;
  checks.state_dir = effectiveStateDir(server.config);
  checks.revocation = revocationOptions(server.config, checks.state_dir);
  check_settings_ = std::make_unique<const LoginCheckSettings>(std::move(checks));
}

AgentSession::~AgentSession() {
  // An insertion's login closes its PIN dialog and ends; its coroutine finishes on the runner
  // before the runner goes (bounded: a card call cannot be interrupted).
  insertion_stop_.request_stop();
  for (int i = 0; i < 100; ++i) {
    {
      std::lock_guard lock(mutex_);
      if (!state_->login_running) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  runner_.reset();
}

void AgentSession::updateCards(const std::string& module_path, std::vector<CardInfo> present) {
  std::lock_guard lock(mutex_);
  std::vector<CardInfo>& known = state_->cards[module_path];
  std::vector<CardInfo> inserted;
  std::vector<CardInfo> removed;
  for (const CardInfo& card : present) {
    if (std::none_of(known.begin(), known.end(), [&](const CardInfo& k) { return sameCard(k, card); })) {
      inserted.push_back(card);
    }
  }
  for (const CardInfo& card : known) {
    if (std::none_of(present.begin(), present.end(), [&](const CardInfo& p) { return sameCard(p, card); })) {
      removed.push_back(card);
    }
  }
  known = std::move(present);
  if (inserted.empty() && removed.empty()) return;

  for (const CardInfo& card : removed) {
    spdlog::info("card removed: {} from {}", card.token_label, card.reader);
    const bool logged_in_card = (state_->eid && state_->eid->label == card.token_label) ||
                                (state_->ehealth && state_->ehealth->label == card.token_label);
    if (logged_in_card) dropLoginLocked("", "card_removed");
    server_.queues.failPending(card.token_label,
                               problems::cardRemoved("named", {{"card", card.token_label}}));
    server_.events.publish("card.removed", cardJson(card));
  }
  for (const CardInfo& card : inserted) {
    spdlog::info("card inserted: {} ({}) in {}", card.token_label, pkcs11::toString(card.kind), card.reader);
    server_.events.publish("card.inserted", cardJson(card));
  }

  std::vector<CardInfo> all;
  for (const auto& [path, cards] : state_->cards) all.insert(all.end(), cards.begin(), cards.end());
  std::optional<PractitionerInfo> who = identify(all, state_->practitioner, server_.config.practitioner_ssin,
                                                 server_.config.practitioner_token);
  const bool changed = who.has_value() != state_->practitioner.has_value() ||
                       (who && (who->eid_token != state_->practitioner->eid_token ||
                                who->ehealth_token != state_->practitioner->ehealth_token));
  state_->practitioner = std::move(who);
  if (changed && state_->practitioner) {
    spdlog::info("identified {} {} (SSIN {})", state_->practitioner->first_names,
                 state_->practitioner->surname, state_->practitioner->ssin);
    for (const auto& warning : practitionerWarningsJson(*state_->practitioner)) {
      spdlog::warn("practitioner warning ({}): {}", warning["code"].get<std::string>(),
                   warning["detail"].get<std::string>());
    }
    server_.events.publish("card.identified", practitionerJson(state_->practitioner));
    startInsertionLoginLocked();
  }
  publishLocked();
}

void AgentSession::publishLocked() {
  nlohmann::json readers = nlohmann::json::array();
  for (const auto& [path, cards] : state_->cards) {
    for (const CardInfo& card : cards) readers.push_back(cardJson(card));
  }
  server_.state.set("readers", std::move(readers), "status.readers");
  server_.state.set("practitioner", practitionerJson(state_->practitioner), "status.practitioner");
  server_.state.set("session", sessionJsonLocked(), "status.session");
}

nlohmann::json AgentSession::sessionJsonLocked() const {
  if (!state_->eid) return nullptr;
  nlohmann::json json = {{"logged_in", true},
                         {"since", isoUtc(state_->login_time)},
                         {"client", state_->client},
                         {"ehealth", state_->ehealth != nullptr},
                         {"pin_idle_timeout_minutes", server_.config.pin_idle_timeout_minutes}};
  if (state_->token_expiry) json["token_expires"] = isoUtc(*state_->token_expiry);
  // The card logins hold, the STS token does not yet: POST /v1/session retries the STS alone.
  if (tokenPendingLocked()) json["token_pending"] = true;
  json["certificates"] = state_->login_certificates.is_array() ? state_->login_certificates : nlohmann::json::array();
  json["warnings"] = state_->login_warnings.is_array() ? state_->login_warnings : nlohmann::json::array();
  return json;
}

void AgentSession::dropLoginLocked(const std::string& client, const std::string& reason) {
  if (!state_->eid && !state_->ehealth) return;
  for (auto* token : {&state_->eid, &state_->ehealth}) {
    if (!*token) continue;
    std::shared_ptr<LoggedInToken> held = std::move(*token);
    // Marked under its own lock by whoever holds it last; here only the flag matters, and a job
    // running now keeps its reference until it ends.
    std::unique_lock work(held->mutex, std::try_to_lock);
    held->dropped = true;
    if (work.owns_lock() && held->session) {
      try {
        held->session->logout();
      } catch (const std::exception& e) {
        spdlog::debug("logout of {}: {}", held->label, e.what());  // a removed card cannot log out
      }
    }
  }
  const std::string ssin = state_->practitioner ? state_->practitioner->ssin : "";
  if (token_cache_ && !ssin.empty()) token_cache_->drop(ssin);
  state_->token_expiry.reset();
  state_->login_certificates = nullptr;
  state_->login_warnings = nullptr;
  server_.audit.append(AuditEntry{client, ssin, "logout", "", "", "ok", reason == "logout" ? "" : reason});
  server_.events.publish("session.logout", {{"reason", reason}, {"ssin", ssin}});
  // Kept in the status, so that a client that missed the event still reads why the session ended.
  server_.state.set("last_logout", {{"reason", reason}, {"ssin", ssin}, {"at", isoUtc(std::chrono::system_clock::now())}},
                    "status.last_logout");
  spdlog::info("session ended ({})", reason);
}

void AgentSession::logout(const std::string& client, const std::string& reason) {
  std::lock_guard lock(mutex_);
  dropLoginLocked(client, reason);
  publishLocked();
}

void AgentSession::expireIdle() {
  std::lock_guard lock(mutex_);
  if (!state_->eid) return;
  const auto idle = std::chrono::minutes(server_.config.pin_idle_timeout_minutes);
  if (std::chrono::steady_clock::now() - state_->last_use < idle) return;
  dropLoginLocked("", "idle_timeout");
  publishLocked();
}

std::optional<PractitionerInfo> AgentSession::identified() const {
  std::lock_guard lock(mutex_);
  return state_->practitioner;
}

bool AgentSession::loggedIn() const {
  std::lock_guard lock(mutex_);
  return state_->eid != nullptr;
}

std::vector<CardInfo> AgentSession::cards() const {
  std::lock_guard lock(mutex_);
  std::vector<CardInfo> all;
  for (const auto& [path, cards] : state_->cards) all.insert(all.end(), cards.begin(), cards.end());
  return all;
}

}  // namespace ehagent::agent
