#pragma once
// Builders for the intrahub v3 request bodies (the element that goes inside soap:Body). Each one
// checks its input first (hubs/checks.hpp) and throws hubs::InvalidField before building anything.
//
// Shape: the operation element (e.g. hub:PutPatientConsentRequest) and its direct children
// (request, consent, therapeuticlink, select) are in the protocol namespace; their content is in the
// core namespace; hcparty content and the kmehrmessage are KMEHR.
#include <string>

#include "hubs/types.hpp"

namespace ehagent::hubs {

std::string buildPutPatientConsent(const RequestHeader& header, const Consent& consent);
std::string buildRevokePatientConsent(const RequestHeader& header, const Consent& consent);

// The standalone core:therapeuticlink element without its proof: what a patient's eidsigning
// CAdES proof signs.
std::string therapeuticLinkContent(const RequestHeader& header, const TherapeuticLink& link);
std::string buildPutTherapeuticLink(const RequestHeader& header, const TherapeuticLink& link);
std::string buildRevokeTherapeuticLink(const RequestHeader& header, const TherapeuticLink& link);

std::string buildGetTransactionList(const RequestHeader& header, const PatientQuery& query);
std::string buildGetPatientAuditTrail(const RequestHeader& header, const PatientQuery& query);

// The id of the request header: <nihii>.<epoch ms>.
std::string requestId(const RequestHeader& header);

}  // namespace ehagent::hubs
