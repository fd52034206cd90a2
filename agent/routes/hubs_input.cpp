// JSON bodies of the hub consent and therapeutic-link routes, read into request values.
#include <ctime>
#include <map>

#include "agent/routes/hubs.hpp"

namespace ehagent::agent::hubinput {
namespace {

using nlohmann::json;
using hubs::CardKind;
using hubs::ProofKind;

std::string optionalString(const json& body, const std::string& key, std::string fallback = {}) {
  if (body.is_null() || !body.contains(key)) return fallback;
  if (!body.at(key).is_string()) throw ProblemError(problems::invalidInput("/" + key, key + " must be a string"));
  return body.at(key).get<std::string>();
}

PatientInput patientInput(const json& body, const std::string& pathSsin) {
  if (!body.is_null() && !body.is_object()) {
    throw ProblemError(problems::invalidInput("", "the body must be a JSON object"));
  }
  PatientInput p;
  p.ssin = pathSsin.empty() ? optionalString(body, "patient") : pathSsin;
  if (!pathSsin.empty() && !optionalString(body, "patient").empty() && optionalString(body, "patient") != pathSsin) {
    throw ProblemError(problems::invalidInput("/patient", "the body names another patient than the path"));
  }
  const std::string card = optionalString(body, "patient_card");
  if (!card.empty() && card != "read") {
    throw ProblemError(problems::invalidInput("/patient_card", "patient_card is \"read\" or absent"));
  }
  p.readCard = card == "read";
  p.cardNumber = optionalString(body, "card_number");
  const std::string type = optionalString(body, "card_type", p.cardNumber.empty() ? "" : "eid");
  if (type == "eid") p.cardKind = CardKind::Eid;
  else if (type == "isi") p.cardKind = CardKind::Isi;
  else if (!type.empty()) throw ProblemError(problems::invalidInput("/card_type", "card_type is eid or isi"));
  if (p.cardKind != CardKind::None && p.cardNumber.empty()) {
    throw ProblemError(problems::invalidInput("/card_number", "card_type needs a card_number"));
  }
  if (p.readCard && !p.cardNumber.empty()) {
    throw ProblemError(problems::invalidInput("/card_number", "a card number comes from the card when it is read"));
  }
  if (!p.readCard && p.ssin.empty()) {
    throw ProblemError(problems::invalidInput("/patient", "patient (an SSIN) or \"patient_card\": \"read\" is required"));
  }
  return p;
}

}  // namespace

std::string today() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  localtime_r(&t, &tm);
  char buf[16];
  return {buf, std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm)};
}

ConsentInput consentInput(const json& body, const std::string& pathSsin, const char* dateKey) {
  ConsentInput in;
  in.patient = patientInput(body, pathSsin);
  in.date = optionalString(body, dateKey, today());
  return in;
}

LinkInput linkInput(const json& body, const std::string& pathSsin) {
  LinkInput in;
  in.patient = patientInput(body, pathSsin);
  in.link.linkType = optionalString(body, "type", "gpconsultation");
  in.link.startDate = optionalString(body, "start_date", today());
  in.link.endDate = optionalString(body, "end_date");
  static const std::map<std::string, ProofKind> proofs{{"none", ProofKind::None},
                                                       {"eidreading", ProofKind::EidReading},
                                                       {"isireading", ProofKind::IsiReading},
                                                       {"eidsigning", ProofKind::EidSigning}};
  const std::string proof = optionalString(body, "proof");
  if (!proof.empty()) {
    const auto it = proofs.find(proof);
    if (it == proofs.end()) {
      throw ProblemError(problems::invalidInput("/proof", "proof is none, eidreading, isireading or eidsigning"));
    }
    in.link.proof = it->second;
    in.proofGiven = true;
  }
  if (in.link.proof == ProofKind::EidSigning && !in.patient.readCard) {
    throw ProblemError(problems::invalidInput("/patient_card", "an eidsigning proof needs \"patient_card\": \"read\""));
  }
  return in;
}

std::string apiPointer(const std::string& p) {
  static const std::map<std::string, std::string> names{
      {"/patient/ssin", "/patient"},     {"/patient/card_number", "/card_number"},
      {"/signdate", "/sign_date"},       {"/revokedate", "/revoke_date"},
      {"/begin_date", "/begin_date"},    {"/end_date", "/end_date"}};
  const auto it = names.find(p);
  return it == names.end() ? p : it->second;
}

}  // namespace ehagent::agent::hubinput
