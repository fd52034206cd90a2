#pragma once
// The practitioner's session: which cards are in (fed by the card monitor), who is identified,
// who is logged in, and the only way any route reaches a card key. Every key use runs on the
// token's card queue (429 busy beyond its depth, card_removed when the card goes), and every
// network call (STS, OCSP) on the server's network pool, so HTTP I/O threads never block on a
// card or a remote party, and a card never waits for one.
//
// For route authors (tokens, hubs):
//   - practitioner() / identified(): who is logged in / whose card is in.
//   - heldKey(role) / signWithHeldKey(...): a logged-in key's certificate, then a signature with
//     it. The eID Authentication key signs only what the agent itself builds (STS request,
//     practitioner JWT); never hand it client bytes.
//   - withEhealthKey(work): the eHealth (holder-of-key) key.
//   - samlToken() / samlAssertion(): the STS token, from the cache (issued at login when the
//     config has an [sts] section); throws not_logged_in when nobody is logged in.
//   - The HubSession interface (agent/session/hub_session.hpp) for the hub routes.
// Errors are ProblemError (no_card, not_logged_in, pin_*), pkcs11::Error (card_removed, ...) or
// tokens::Error; problemFromException maps them all.
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "agent/session/card_queue.hpp"
#include "agent/session/card_signers.hpp"
#include "agent/session/pin_prompt.hpp"
#include "agent/http/router.hpp"
#include "agent/session/hub_session.hpp"
#include "certs/certificate.hpp"
#include "pkcs11/eid.hpp"
#include "tokens/sts/assertion.hpp"
#include "tokens/sign/signer.hpp"

namespace ehagent::pkcs11 {
class Module;
class Session;
}  // namespace ehagent::pkcs11
namespace ehagent::tokens {
class StsClient;
class StsProfiles;
class TokenCache;
}  // namespace ehagent::tokens

namespace ehagent::agent {

// One token the card monitor sees in a slot.
struct CardInfo {
  std::shared_ptr<pkcs11::Module> module;
  pkcs11::SlotId slot = 0;
  std::string reader;       // the slot description
  std::string token_label;  // also the name of its card queue
  pkcs11::TokenInfo token_info;  // label, manufacturer, model, serial: what a PKCS#11 URI matches
  pkcs11::TokenKind kind = pkcs11::TokenKind::Other;
  std::optional<pkcs11::EidHolder> holder;  // eID cards
  std::string ehealth_ssin;                 // eHealth tokens: from the certificate
  std::string ehealth_nihii;
  std::string ehealth_profession;           // upper case, "DOCTOR"
  std::vector<std::string> ehealth_warnings;  // certs::EhealthProfile::warnings: "nihii_check_digits"
  // Read without a PIN when the card came in: the certificate a login uses (eID "Authentication",
  // eHealth "authentication") and every certificate on the token (its chain), checked before
  // the PIN is asked.
  std::optional<certs::Certificate> login_certificate;
  std::vector<certs::Certificate> token_certificates;
};

// The practitioner whose eID and matching eHealth token are both in.
struct PractitionerInfo {
  std::string ssin;
  std::string nihii;
  std::string profession;  // upper case, as the eHealth certificate says
  std::string first_names;
  std::string surname;
  std::string eid_token;      // token labels = card queue names
  std::string ehealth_token;  // "" when no eHealth token matches the eID
  std::vector<std::string> warnings;  // from the eHealth certificate: "nihii_check_digits"
};

// The practitioner's warnings as the API shows them: [{code, detail}].
nlohmann::json practitionerWarningsJson(const PractitionerInfo& who);

// POST /v1/sign: what to sign with the eID Signature key.
struct SignatureRequest {
  std::string client;
  std::vector<std::uint8_t> data;    // the bytes to sign, or
  std::vector<std::uint8_t> digest;  // a digest computed by the client
  std::string digest_algorithm;      // "SHA-256", "SHA-384", "SHA-512"; "" = the key's default
  std::string patient_ssin;          // optional, for the prompt and the audit
  std::string data_sha256;           // SHA-256 hex of data (or of the digest): the audit's and the prompt's
  std::string document_kind;         // optional, the client's word for it: "prescription"
  std::stop_token abandon;           // stopped when the client goes away: the PIN dialog closes
  std::shared_ptr<SignatureAudit> audit;  // its "started" row is written while the card signs
};

struct SignatureResult {
  std::vector<std::uint8_t> signature;  // PKCS#1 v1.5, or raw r||s for EC
  std::string algorithm;                // "RS256"-style names: RS256, RS384, RS512, ES256, ES384, ES512
  std::string digest_algorithm;
  std::vector<std::uint8_t> digest;     // what was signed
  std::string certificate_pem;          // the Signature certificate
  std::vector<std::uint8_t> certificate_der;
};

struct LoginCheckSettings;

class AgentSession final : public HubSession {
  struct LoggedInToken;

 public:
  explicit AgentSession(ServerContext& server);
  ~AgentSession() override;
  AgentSession(const AgentSession&) = delete;
  AgentSession& operator=(const AgentSession&) = delete;

  // --- the card monitor
  // The tokens present now in `module_path`'s slots; insertions, removals and the identification
  // are worked out here, published to the state board and the event stream, and audited.
  void updateCards(const std::string& module_path, std::vector<CardInfo> present);
  // Logs out when the Authentication PIN state has been idle for pin_idle_timeout_minutes.
  void expireIdle();
  // Ends the login when a held Cryptoki session shows the card was pulled or reset, even where it
  // came back in the same slot under the same label before the monitor looked.
  void checkHeldLogins();

  // --- the routes
  // Logs in: the certificates are checked first (agent/login_checks.hpp, no PIN asked for a
  // refusal), then the eID PIN, the eHealth PIN, and the STS token when configured; audited,
  // refusals too. Returns the session description that GET /v1/status shows.
  // One login runs at a time: another one meanwhile is refused with busy at once. When `abandon`
  // stops (the client disconnected) the open PIN dialog closes and the login ends.
  // A client's login while one that an insertion started waits for the PIN joins it: it gets
  // that login's session, or its problem.
  boost::asio::awaitable<nlohmann::json> login(std::string client, std::stop_token abandon = {},
                                               bool on_insertion = false);
  void logout(const std::string& client, const std::string& reason);
  [[nodiscard]] std::optional<PractitionerInfo> identified() const;
  [[nodiscard]] bool loggedIn() const;
  [[nodiscard]] std::vector<CardInfo> cards() const;

  enum class KeyRole { EidAuthentication, Ehealth };
  // A logged-in key as a route sees it: what it needs to build the bytes the key will sign.
  struct HeldKey {
    std::shared_ptr<LoggedInToken> token;
    certs::Certificate certificate;
    tokens::SignatureAlgorithm algorithm;
  };
  [[nodiscard]] HeldKey heldKey(KeyRole role);  // throws not_logged_in
  // Signs `data` with that very key (a login ended or replaced meanwhile: not_logged_in) on its
  // card queue, so that the card's thread does nothing but sign. The audit's "started" row is
  // queued from the calling thread before the card is asked, so its fsync runs while the card
  // signs; it is durable before the signature comes back.
  boost::asio::awaitable<std::vector<std::uint8_t>> signWithHeldKey(HeldKey key, std::string data,
                                                                    tokens::SignatureAlgorithm algorithm,
                                                                    std::shared_ptr<SignatureAudit> audit);

  template <class T>
  boost::asio::awaitable<T> withEhealthKey(std::function<T(tokens::Signer&)> work);
  boost::asio::awaitable<tokens::SamlToken> samlToken();
  // The eID Signature key; asks for the PIN for this one signature, whatever the cache.
  boost::asio::awaitable<SignatureResult> signWithSignatureKey(SignatureRequest request);

  // --- HubSession
  hubs::Practitioner practitioner() override;
  boost::asio::awaitable<std::string> samlAssertion() override;
  boost::asio::awaitable<hubs::SignedHubRequest> withHolderOfKey(
      std::function<hubs::SignedHubRequest(tokens::Signer&)> work) override;
  boost::asio::awaitable<PatientCard> readPatientCard() override;
  boost::asio::awaitable<std::vector<std::uint8_t>> withPatientSignatureKey(
      std::function<std::vector<std::uint8_t>(tokens::Signer&)> work) override;

 private:
  struct LoggedInToken;
  struct State;
  struct LoginRunning;

  // Runs `work` on `role`'s logged-in token with its key, on the calling (card queue) thread.
  void useKey(KeyRole role, const std::function<void(tokens::Signer&)>& work);
  void useToken(const std::shared_ptr<LoggedInToken>& token, const std::function<void(tokens::Signer&)>& work);
  CardQueue& queueOf(const LoggedInToken& token);
  std::shared_ptr<LoggedInToken> tokenFor(KeyRole role);  // throws not_logged_in
  CardQueue& queueFor(KeyRole role);
  // Runs `work` with the Signature key of `card_label`'s eID: one PIN question (or the pinpad),
  // a user login when the token is not logged in yet, and the context-specific login.
  void useSignatureKey(const CardInfo& card, const PinQuestion& question,
                       const std::function<void(pkcs11::Session&, const CardKey&, const Secret*)>& work);
  void publishLocked();
  // With login_on_insert, a practitioner just identified is logged in (insertion_login.cpp).
  void startInsertionLoginLocked();
  boost::asio::awaitable<void> insertionLogin();
  void dropLoginLocked(const std::string& client, const std::string& reason);
  // Ends the login `token` belongs to, if it still is the current one (held_keys.cpp).
  void loseLogin(const std::shared_ptr<LoggedInToken>& token, const std::string& reason);
  // Runs on the network pool: the STS exchange; each signature it needs hops onto the key's card
  // queue (queuedSigner), so the card is free while the STS answers.
  tokens::SamlToken issueToken(const PractitionerInfo& who);
  boost::asio::awaitable<std::shared_ptr<LoggedInToken>> logInToCards(const std::string& client,
                                                                      const PractitionerInfo& who,
                                                                      const std::vector<CardInfo>& all,
                                                                      std::stop_token abandon);
  // The login's STS step, when an [sts] is configured and an eHealth token is logged in; sets the
  // token's expiry in the session.
  boost::asio::awaitable<void> obtainSessionToken();
  // Logged in to the cards, but the STS step has not succeeded yet.
  [[nodiscard]] bool tokenPendingLocked() const;
  [[nodiscard]] std::unique_ptr<tokens::Signer> queuedSigner(KeyRole role);
  [[nodiscard]] nlohmann::json sessionJsonLocked() const;

  ServerContext& server_;
  std::unique_ptr<PinPrompter> prompter_;
  std::unique_ptr<tokens::StsProfiles> sts_profiles_;  // when the config names a profiles file
  std::unique_ptr<tokens::StsClient> sts_;
  std::unique_ptr<tokens::TokenCache> token_cache_;
  std::string sts_profession_;
  mutable std::mutex mutex_;
  std::unique_ptr<State> state_;
  std::unique_ptr<const LoginCheckSettings> check_settings_;
  std::stop_source insertion_stop_;  // stopped when the agent stops: an insertion's PIN dialog closes
  // Last: destroyed first, while the state its coroutines touch is still there.
  std::unique_ptr<class SessionRunner> runner_;
};

template <class T>
boost::asio::awaitable<T> AgentSession::withEhealthKey(std::function<T(tokens::Signer&)> work) {
  auto shared = std::make_shared<std::function<T(tokens::Signer&)>>(std::move(work));
  std::function<T()> job([this, shared] {
    std::optional<T> out;
    useKey(KeyRole::Ehealth, [&](tokens::Signer& signer) { out.emplace((*shared)(signer)); });
    return std::move(*out);
  });
  co_return co_await queueFor(KeyRole::Ehealth).template run<T>(std::move(job));
}

}  // namespace ehagent::agent
