#include "hubs/requests.hpp"

#include <algorithm>
#include <cstdio>
#include <ctime>

#include "core/base64.hpp"
#include "hubs/checks.hpp"
#include "hubs/xml.hpp"
#include "hubs/link_types.hpp"

namespace ehagent::hubs {

using detail::BodyBuilder;
using detail::Ns;

namespace {

// KMEHR dates and times are local, as the practitioner's software shows them.
std::tm localTime(std::chrono::system_clock::time_point t) {
  const std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  localtime_r(&secs, &tm);
  return tm;
}

std::string formatTm(const std::tm& tm, const char* fmt) {
  char buf[32];
  const auto n = std::strftime(buf, sizeof buf, fmt, &tm);
  return {buf, n};
}

void addHcparty(BodyBuilder& b, xmlNode* author, const Practitioner& p) {
  xmlNode* hc = b.add(author, Ns::Kmehr, "hcparty");
  b.coded(hc, Ns::Kmehr, "id", "ID-HCPARTY", "1.0", p.nihii);
  b.coded(hc, Ns::Kmehr, "id", "INSS", "1.0", p.ssin);
  b.coded(hc, Ns::Kmehr, "cd", "CD-HCPARTY", "1.1", p.hcpartyCode);
  b.add(hc, Ns::Kmehr, "firstname", p.firstName);
  b.add(hc, Ns::Kmehr, "familyname", p.familyName);
}

void addSoftware(BodyBuilder& b, xmlNode* author, const Software& s) {
  xmlNode* hc = b.add(author, Ns::Kmehr, "hcparty");
  xmlNode* id = b.coded(hc, Ns::Kmehr, "id", "LOCAL", "1.0", s.name + " " + s.version);
  b.attr(id, "SL", "endusersoftwareinfo");
  b.coded(hc, Ns::Kmehr, "cd", "CD-HCPARTY", "1.1", "application");
  b.add(hc, Ns::Kmehr, "name", s.name);
}

void addPatient(BodyBuilder& b, xmlNode* parent, const PatientRef& p) {
  xmlNode* patient = b.add(parent, Ns::Core, "patient");
  b.coded(patient, Ns::Core, "id", "INSS", "1.0", p.ssin);
  if (p.cardKind == CardKind::Eid) b.coded(patient, Ns::Core, "id", "EID-CARDNO", "1.0", p.cardNumber);
  if (p.cardKind == CardKind::Isi) b.coded(patient, Ns::Core, "id", "ISI-CARDNO", "1.0", p.cardNumber);
}

std::string buildConsent(std::string_view root, const RequestHeader& h, const Consent& c,
                         std::string_view dateElement) {
  checkPatient("/patient", c.patient);
  checkDate(std::string("/") + std::string(dateElement), c.date);
  BodyBuilder b(root);
  detail::addRequestHeader(b, h);
  xmlNode* consent = b.add(b.root(), Ns::Protocol, "consent");
  addPatient(b, consent, c.patient);
  b.coded(consent, Ns::Core, "cd", "CD-CONSENTTYPE", "1.0", "retrospective");
  b.add(consent, Ns::Core, dateElement, c.date);
  return b.serialize();
}

std::string_view proofCode(ProofKind k) {
  switch (k) {
    case ProofKind::EidReading: return "eidreading";
    case ProofKind::IsiReading: return "isireading";
    case ProofKind::EidSigning: return "eidsigning";
    case ProofKind::None: break;
  }
  return {};
}

std::string checkedEndDate(const TherapeuticLink& l, const LinkType& type) {
  if (!l.endDate.empty()) {
    checkDateOrder("/start_date", l.startDate, "/end_date", l.endDate);
    return l.endDate;
  }
  using namespace std::chrono;
  const year_month_day start{checkDate("/start_date", l.startDate)};
  year_month_day end = start + months{type.defaultDurationMonths};
  if (!end.ok()) end = year_month_day{year_month_day_last{end.year(), month_day_last{end.month()}}};  // 31 Jan + 1 month
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(end.year()),
                static_cast<unsigned>(end.month()), static_cast<unsigned>(end.day()));
  return buf;
}

// Fills an empty therapeuticlink element.
void fillLink(BodyBuilder& b, xmlNode* link, const RequestHeader& h, const TherapeuticLink& l) {
  checkPatient("/patient", l.patient);
  const auto type = findLinkType(l.linkType);
  if (!type) throw InvalidField("/type", "unknown therapeutic link type '" + l.linkType + "'");
  const auto& allowed = type->hcpartyCodes;
  if (!allowed.empty() &&
      std::find(allowed.begin(), allowed.end(), h.author.practitioner.hcpartyCode) == allowed.end()) {
    throw InvalidField("/type", "this profession cannot declare a '" + l.linkType + "' link");
  }
  const std::string end = checkedEndDate(l, *type);
  addPatient(b, link, l.patient);
  xmlNode* hc = b.add(link, Ns::Core, "hcparty");
  b.coded(hc, Ns::Core, "id", "ID-HCPARTY", "1.0", h.author.practitioner.nihii);
  b.coded(hc, Ns::Core, "id", "INSS", "1.0", h.author.practitioner.ssin);
  b.coded(hc, Ns::Core, "cd", "CD-HCPARTY", "1.1", h.author.practitioner.hcpartyCode);
  b.add(hc, Ns::Core, "firstname", h.author.practitioner.firstName);
  b.add(hc, Ns::Core, "familyname", h.author.practitioner.familyName);
  b.coded(link, Ns::Core, "cd", "CD-THERAPEUTICLINKTYPE", "1.0", l.linkType);
  b.add(link, Ns::Core, "startdate", l.startDate);
  b.add(link, Ns::Core, "enddate", end);
}

void addProof(BodyBuilder& b, xmlNode* link, const TherapeuticLink& l) {
  if (l.proof == ProofKind::None) return;
  if (l.proof == ProofKind::EidReading && l.patient.cardKind != CardKind::Eid) {
    throw InvalidField("/proof", "an eidreading proof needs the patient's eID card number");
  }
  if (l.proof == ProofKind::IsiReading && l.patient.cardKind != CardKind::Isi) {
    throw InvalidField("/proof", "an isireading proof needs the patient's ISI+ card number");
  }
  if (l.proof == ProofKind::EidSigning && l.binaryProof.empty()) {
    throw InvalidField("/proof", "an eidsigning proof needs the patient's signature");
  }
  xmlNode* proof = b.add(link, Ns::Core, "proof");
  b.coded(proof, Ns::Core, "cd", "CD-PROOFTYPE", "1.1", proofCode(l.proof));
  if (l.proof == ProofKind::EidSigning) {
    xmlNode* bin = b.add(proof, Ns::Core, "binaryproof");
    xmlNode* cms = b.add(bin, Ns::Core, "Base64EncryptedData", base64Encode(l.binaryProof));
    b.attr(cms, "format", "CAdES-BES");
  }
}

std::string buildLink(std::string_view root, const RequestHeader& h, const TherapeuticLink& l) {
  BodyBuilder b(root);
  detail::addRequestHeader(b, h);
  xmlNode* link = b.add(b.root(), Ns::Protocol, "therapeuticlink");
  fillLink(b, link, h, l);
  addProof(b, link, l);
  return b.serialize();
}

std::string buildQuery(std::string_view root, const RequestHeader& h, const PatientQuery& q,
                       bool sumehrOnly) {
  checkSsin("/patient", q.ssin);
  if (!q.beginDate.empty()) checkDate("/begin_date", q.beginDate);
  if (!q.endDate.empty()) checkDate("/end_date", q.endDate);
  if (!q.beginDate.empty() && !q.endDate.empty()) {
    checkDateOrder("/begin_date", q.beginDate, "/end_date", q.endDate);
  }
  BodyBuilder b(root);
  detail::addRequestHeader(b, h);
  xmlNode* select = b.add(b.root(), Ns::Protocol, "select");
  xmlNode* patient = b.add(select, Ns::Core, "patient");
  b.coded(patient, Ns::Core, "id", "INSS", "1.0", q.ssin);
  if (sumehrOnly) {
    xmlNode* tx = b.add(select, Ns::Core, "transaction");
    b.coded(tx, Ns::Core, "cd", "CD-TRANSACTION", "1.0", "sumehr");
  }
  if (!q.beginDate.empty()) b.add(select, Ns::Core, "begindate", q.beginDate);
  if (!q.endDate.empty()) b.add(select, Ns::Core, "enddate", q.endDate);
  return b.serialize();
}

}  // namespace

namespace detail {

void addRequestHeader(BodyBuilder& b, const RequestHeader& h) {
  checkAuthor(h.author);
  xmlNode* req = b.add(b.root(), Ns::Protocol, "request");
  b.coded(req, Ns::Core, "id", "ID-KMEHR", "1.0", requestId(h));
  xmlNode* author = b.add(req, Ns::Core, "author");
  addHcparty(b, author, h.author.practitioner);
  addSoftware(b, author, h.author.software);
  const auto tm = localTime(h.now);
  b.add(req, Ns::Core, "date", formatTm(tm, "%Y-%m-%d"));
  b.add(req, Ns::Core, "time", formatTm(tm, "%H:%M:%S"));
}

}  // namespace detail

std::string requestId(const RequestHeader& header) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(header.now.time_since_epoch());
  return header.author.practitioner.nihii + "." + std::to_string(ms.count());
}

std::string buildPutPatientConsent(const RequestHeader& header, const Consent& consent) {
  return buildConsent("PutPatientConsentRequest", header, consent, "signdate");
}

std::string buildRevokePatientConsent(const RequestHeader& header, const Consent& consent) {
  return buildConsent("RevokePatientConsentRequest", header, consent, "revokedate");
}

std::string therapeuticLinkContent(const RequestHeader& header, const TherapeuticLink& link) {
  checkAuthor(header.author);
  // Its own document, so that what the patient signs is exactly this element and nothing around it.
  BodyBuilder b("therapeuticlink", Ns::Core);
  fillLink(b, b.root(), header, link);
  return b.serialize();
}

std::string buildPutTherapeuticLink(const RequestHeader& header, const TherapeuticLink& link) {
  return buildLink("PutTherapeuticLinkRequest", header, link);
}

std::string buildRevokeTherapeuticLink(const RequestHeader& header, const TherapeuticLink& link) {
  return buildLink("RevokeTherapeuticLinkRequest", header, link);
}

std::string buildGetTransactionList(const RequestHeader& header, const PatientQuery& query) {
  return buildQuery("GetTransactionListRequest", header, query, true);
}

std::string buildGetPatientAuditTrail(const RequestHeader& header, const PatientQuery& query) {
  return buildQuery("GetPatientAuditTrailRequest", header, query, false);
}

}  // namespace ehagent::hubs
