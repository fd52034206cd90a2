#pragma once
// The hub routes: POST/DELETE /v1/hubs/{hub}/consents, POST/DELETE .../therapeutic-links,
// POST .../transactions (the body is the Sumehr XML), GET .../transactions?patient=,
// GET .../audit-trail?patient=. Each takes ?mode=sign (return the signed envelope) or
// ?mode=submit (the default: send it to [hubs.<name>] and return the parsed answer).
//
// What the routes need from the logged-in session comes through HubSession, so they depend on
// nothing but this interface: the session implements it, the tests implement it over OpenSSL keys.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "agent/config.hpp"
#include "agent/router.hpp"
#include "tokens/hub_client.hpp"
#include "tokens/hub_types.hpp"
#include "tokens/signer.hpp"

namespace ehagent::agent {

struct PatientCard {
  std::string ssin;
  std::string cardNumber;
};

class HubSession {
 public:
  virtual ~HubSession() = default;
  // The logged-in practitioner; throws ProblemError(notLoggedIn) when nobody is.
  virtual tokens::hub::Practitioner practitioner() = 0;
  // The current STS assertion, as issued (renewed by the token cache when due).
  virtual boost::asio::awaitable<std::string> samlAssertion() = 0;
  // Runs `work` with the practitioner's eHealth (holder-of-key) Signer, on that token's card queue.
  virtual boost::asio::awaitable<tokens::hub::SignedHubRequest> withHolderOfKey(
      std::function<tokens::hub::SignedHubRequest(tokens::Signer&)> work) = 0;
  // The patient's eID: the one in the other reader, or the only card that is not the practitioner's.
  // Throws ProblemError(noCard) when there is none.
  virtual boost::asio::awaitable<PatientCard> readPatientCard() = 0;
  // Runs `work` with the patient's eID Signature key; the PIN prompt says it is the patient's PIN.
  virtual boost::asio::awaitable<std::vector<std::uint8_t>> withPatientSignatureKey(
      std::function<std::vector<std::uint8_t>(tokens::Signer&)> work) = 0;
};

// Which session a hub request runs in: the agent's own (from the request context), or a fixed one.
using HubSessionOf = std::function<HubSession&(RequestContext&)>;
void addHubRoutes(Router& router, const HubSessionOf& session);
// Adds the hub routes over a fixed session, which must outlive the router (tests).
void addHubRoutes(Router& router, HubSession& session);
// Adds the hub routes over the agent's session (ServerContext::session); no_card without one.
void addHubRoutes(Router& router);

// [hubs.<name>]: endpoint (https URL), hub_id, ca_file (TLS trust; empty: system store),
// timeout_seconds, allow_plain_loopback (tests only). Throws ProblemError(not_found) for an
// unknown hub and ConfigError for a malformed section.
tokens::hub::HubEndpoint hubEndpoint(const Config& config, const std::string& name);
// Checks every [hubs.*] section; parseConfig calls it, so a mistake stops the agent at start-up
// and `serve --check-config`, not at the first hub call. Throws ConfigError naming the key.
void validateHubsConfig(const Config& config);

// Reading the JSON bodies of the consent and link routes (routes_hubs_input.cpp). Refusals are
// ProblemError(invalid_input) with a pointer into the request.
namespace hubinput {

struct PatientInput {
  std::string ssin;         // may be empty when the card is to be read
  std::string cardNumber;
  tokens::hub::CardKind cardKind = tokens::hub::CardKind::None;
  bool readCard = false;    // "patient_card": "read"
};

struct ConsentInput {
  PatientInput patient;
  std::string date;  // sign_date / revoke_date, default today
};

struct LinkInput {
  PatientInput patient;
  tokens::hub::TherapeuticLink link;  // patient filled in later
  bool proofGiven = false;
};

std::string today();
// `pathSsin` (DELETE routes) stands in for a body "patient"; `body` may be null for no body.
ConsentInput consentInput(const nlohmann::json& body, const std::string& pathSsin, const char* dateKey);
LinkInput linkInput(const nlohmann::json& body, const std::string& pathSsin);
// Maps a builder's field pointer (tokens::hub::InvalidField) to the API body's names.
std::string apiPointer(const std::string& builderPointer);

}  // namespace hubinput

}  // namespace ehagent::agent
