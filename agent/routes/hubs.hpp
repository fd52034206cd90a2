#pragma once
// The hub routes: POST/DELETE /v1/hubs/{hub}/consents, POST/DELETE .../therapeutic-links,
// POST .../transactions (the body is the Sumehr XML), GET .../transactions?patient=,
// GET .../audit-trail?patient=. Each takes ?mode=sign (return the signed envelope) or
// ?mode=submit (the default: send it to [hubs.<name>] and return the parsed answer).
//
// What the routes need from the logged-in session comes through HubSession
// (agent/session/hub_session.hpp).
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "agent/http/router.hpp"
#include "agent/session/hub_session.hpp"
#include "hubs/types.hpp"

namespace ehagent::agent {

// Which session a hub request runs in: the agent's own (from the request context), or a fixed one.
using HubSessionOf = std::function<HubSession&(RequestContext&)>;
void addHubRoutes(Router& router, const HubSessionOf& session);
// Adds the hub routes over a fixed session, which must outlive the router (tests).
void addHubRoutes(Router& router, HubSession& session);
// Adds the hub routes over the agent's session (ServerContext::session); no_card without one.
void addHubRoutes(Router& router);

// Reading the JSON bodies of the consent and link routes (hubs_input.cpp). Refusals are
// ProblemError(invalid_input) with a pointer into the request.
namespace hubinput {

struct PatientInput {
  std::string ssin;         // may be empty when the card is to be read
  std::string cardNumber;
  hubs::CardKind cardKind = hubs::CardKind::None;
  bool readCard = false;    // "patient_card": "read"
};

struct ConsentInput {
  PatientInput patient;
  std::string date;  // sign_date / revoke_date, default today
};

struct LinkInput {
  PatientInput patient;
  hubs::TherapeuticLink link;  // patient filled in later
  bool proofGiven = false;
};

std::string today();
// `pathSsin` (DELETE routes) stands in for a body "patient"; `body` may be null for no body.
ConsentInput consentInput(const nlohmann::json& body, const std::string& pathSsin, const char* dateKey);
LinkInput linkInput(const nlohmann::json& body, const std::string& pathSsin);
// Maps a builder's field pointer (hubs::InvalidField) to the API body's names.
std::string apiPointer(const std::string& builderPointer);

}  // namespace hubinput

}  // namespace ehagent::agent
