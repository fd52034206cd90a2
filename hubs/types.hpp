#pragma once
// Plain values that describe an intrahub v3 request before it is built: who asks (the logged-in
// practitioner and the calling software), about which patient, and what.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ehagent::hubs {

// The logged-in practitioner, as the session knows them (from the STS assertion / eHealth cert).
struct Practitioner {
  std::string nihii;       // 11 digits
  std::string ssin;        // 11 digits, mod-97
  std::string hcpartyCode; // CD-HCPARTY: persphysician, persnurse, ...
  std::string firstName;
  std::string familyName;
};

// The calling client application, by its registered name and version.
struct Software {
  std::string name;
  std::string version;
};

struct RequestAuthor {
  Practitioner practitioner;
  Software software;
};

// Everything the `request` header needs; `now` is injectable so builders are deterministic in tests.
struct RequestHeader {
  RequestAuthor author;
  std::chrono::system_clock::time_point now = std::chrono::system_clock::now();
};

enum class CardKind { None, Eid, Isi };

struct PatientRef {
  std::string ssin;
  CardKind cardKind = CardKind::None;
  std::string cardNumber;  // set when a card was read
};

struct Consent {
  PatientRef patient;
  std::string date;  // YYYY-MM-DD: signdate on Put, revokedate on Revoke
};

enum class ProofKind { None, EidReading, IsiReading, EidSigning };

struct TherapeuticLink {
  PatientRef patient;
  std::string linkType = "gpconsultation";  // CD-THERAPEUTICLINKTYPE, see link_types.hpp
  std::string startDate;                    // YYYY-MM-DD
  std::string endDate;                      // YYYY-MM-DD, empty: the link type's default duration
  ProofKind proof = ProofKind::None;
  std::vector<std::uint8_t> binaryProof;  // CAdES-BES DER, for EidSigning
};

// GetTransactionList / GetPatientAuditTrail selection.
struct PatientQuery {
  std::string ssin;
  std::string beginDate;  // optional, YYYY-MM-DD
  std::string endDate;    // optional, YYYY-MM-DD
};

enum class Operation {
  PutTransaction,
  GetTransactionList,
  PutPatientConsent,
  RevokePatientConsent,
  PutTherapeuticLink,
  RevokeTherapeuticLink,
  GetPatientAuditTrail,
};

// "PutPatientConsent", ...
std::string_view operationName(Operation op);
// urn:be:fgov:ehealth:intrahub:protocol:v3:<Op>
std::string soapAction(Operation op);
// The inverse of soapAction, for the sandbox hub; nullopt for anything else.
std::optional<Operation> operationFromSoapAction(std::string_view action);

namespace ns {
inline constexpr const char* protocol = "http://www.ehealth.fgov.be/hubservices/protocol/v3";
inline constexpr const char* core = "http://www.ehealth.fgov.be/hubservices/core/v3";
inline constexpr const char* kmehr = "http://www.ehealth.fgov.be/standards/kmehr/schema/v1";
}  // namespace ns

}  // namespace ehagent::hubs
