#include "sandbox/hub_service.hpp"

#include <ctime>
#include <fstream>
#include <stdexcept>

#include "sandbox/hub_answers.hpp"
#include "sandbox/hub_caller.hpp"
#include "sandbox/random_failure.hpp"
#include "tokens/error.hpp"
#include "hubs/read.hpp"
#include "hubs/types.hpp"
#include "tokens/xml/wssecurity.hpp"

namespace ehagent::sandbox {
namespace {

namespace read = hubs::read;
using hubs::Operation;
using tokens::xml::Element;

Response soap(int status, std::string body) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

Response fault(std::string_view code, std::string_view text) { return soap(500, hubsoap::fault(code, text)); }

std::string readControl(const std::filesystem::path& file) {
  if (file.empty()) return {};
  std::ifstream in(file);
  std::string word;
  in >> word;
  return word;
}

std::string today() {
  const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  localtime_r(&t, &tm);
  char buf[16];
  return {buf, std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm)};
}

std::string nowTime() {
  const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  localtime_r(&t, &tm);
  char buf[16];
  return {buf, std::strftime(buf, sizeof buf, "%H:%M:%S", &tm)};
}

Element need(const std::optional<Element>& e, const char* what) {
  if (!e) throw tokens::Error("invalid_input", std::string("the request has no ") + what);
  return *e;
}

// The request author's practitioner hcparty, checked against the authenticated caller: a request
// in another practitioner's name is refused as a fault, not acknowledged.
HubParty author(const Element& request, const HubParty& caller) {
  const auto header = need(read::first(request, "request"), "request header");
  const auto a = need(read::first(header, "author"), "request author");
  for (const auto& hc : read::all(a, "hcparty")) {
    const auto nihii = read::coded(hc, "id", "ID-HCPARTY");
    if (nihii.empty()) continue;
    if (nihii != caller.nihii || read::coded(hc, "id", "INSS") != caller.ssin) {
      throw tokens::Error("invalid_input", "the request author is not the authenticated practitioner");
    }
    return {nihii, caller.ssin, read::coded(hc, "cd", "CD-HCPARTY"), read::text(hc, "firstname"),
            read::text(hc, "familyname")};
  }
  throw tokens::Error("invalid_input", "the request author names no practitioner");
}

std::string patientOf(const Element& holder, std::string_view scheme = "INSS") {
  const auto patient = need(read::first(holder, "patient"), "patient");
  auto ssin = read::coded(patient, "id", scheme);
  if (ssin.empty()) throw tokens::Error("invalid_input", "the patient has no SSIN");
  return ssin;
}

}  // namespace

HubService::HubService(HubServiceOptions options)
    : options_(std::move(options)), store_(options_.database) {
  if (options_.failPercent < 0 || options_.failPercent > 100) {
    throw std::invalid_argument("the hub's fail percent is 0 to 100");
  }
}

void HubService::registerWith(Server& server, const std::string& path) {
  server.route("POST", path, [this](const Request& r) { return handle(r); });
}

Response HubService::handle(const Request& request) {
  const std::string mode = readControl(options_.controlFile);
  if (mode == "down") {
    Response r;
    r.drop_connection = true;
    return r;
  }
  if (mode == "fault") return fault("soapenv:Server", "the sandbox hub was told to fail");
  if (failThisCall(options_.failPercent)) return fault("soapenv:Server", "sandbox: random failure");

  const auto op = hubs::operationFromSoapAction(request.header("soapaction"));
  if (!op) return fault("soapenv:Client", "unknown SOAPAction '" + request.header("soapaction") + "'");
  Response answer;
  try {
    auto call = verifyHubCall(request.body, options_.stsTrust);
    const std::string expected = std::string(hubs::operationName(*op)) + "Request";
    if (call.request.localName() != expected) {
      return fault("soapenv:Client", "the Body holds " + std::string(call.request.localName()) +
                                         ", the SOAPAction says " + expected);
    }
    const HubParty who = author(call.request, call.caller);
    std::lock_guard lock(mutex_);
    hubsoap::Ack ack;
    std::string inner;
    const auto refuse = [&](const char* code, const char* text) {
      ack.complete = false;
      ack.errors.emplace_back(code, text);
    };
    // Hub rule: reading or writing a patient's record needs their consent and this practitioner's link.
    const auto mayAccess = [&](const std::string& patient) {
      if (!store_.hasActiveConsent(patient)) {
        refuse("NO_CONSENT", "the patient has no active consent");
        return false;
      }
      if (!store_.hasActiveLink(patient, who.nihii, today())) {
        refuse("NO_THERAPEUTIC_LINK", "no therapeutic link between this practitioner and the patient");
        return false;
      }
      return true;
    };
    const auto accessNow = [&](const std::string& patient, long long tx) {
      store_.recordAccess({patient, tx, who, ehagent::formatDateTime(std::chrono::system_clock::now()), false});
    };

    switch (*op) {
      case Operation::PutPatientConsent: {
        const auto consent = need(read::first(call.request, "consent"), "consent");
        store_.putConsent(patientOf(consent), read::text(consent, "signdate"), who);
        break;
      }
      case Operation::RevokePatientConsent: {
        const auto consent = need(read::first(call.request, "consent"), "consent");
        if (!store_.revokeConsent(patientOf(consent), read::text(consent, "revokedate"))) {
          refuse("NO_CONSENT", "there is no active consent to revoke");
        }
        break;
      }
      case Operation::PutTherapeuticLink: {
        const auto link = need(read::first(call.request, "therapeuticlink"), "therapeuticlink");
        const auto patient = patientOf(link);
        const auto hc = need(read::first(link, "hcparty"), "link hcparty");
        if (read::coded(hc, "id", "ID-HCPARTY") != who.nihii) {
          refuse("LINK_NOT_OWN", "a practitioner declares only their own therapeutic links");
        } else if (!store_.hasActiveConsent(patient)) {
          refuse("NO_CONSENT", "a therapeutic link needs the patient's consent first");
        } else {
          std::string proof;
          if (const auto p = read::first(link, "proof")) proof = read::coded(*p, "cd", "CD-PROOFTYPE");
          store_.putLink(patient, who, read::coded(link, "cd", "CD-THERAPEUTICLINKTYPE"),
                         read::text(link, "startdate"), read::text(link, "enddate"), proof);
        }
        break;
      }
      case Operation::RevokeTherapeuticLink: {
        const auto link = need(read::first(call.request, "therapeuticlink"), "therapeuticlink");
        if (!store_.revokeLink(patientOf(link), who.nihii)) {
          refuse("NO_THERAPEUTIC_LINK", "there is no therapeutic link to revoke");
        }
        break;
      }
      case Operation::PutTransaction: {
        const auto kmehr = need(read::first(call.request, "kmehrmessage"), "kmehrmessage");
        const auto folder = need(read::first(kmehr, "folder"), "folder");
        const auto patient = patientOf(folder, "ID-PATIENT");
        if (mayAccess(patient)) {
          const auto id = store_.putTransaction(patient, who, tokens::xml::excC14n(kmehr), today(), nowTime());
          accessNow(patient, id);
        }
        break;
      }
      case Operation::GetTransactionList: {
        const auto select = need(read::first(call.request, "select"), "select");
        const auto patient = patientOf(select);
        if (mayAccess(patient)) {
          const auto txs = store_.transactions(patient);
          for (const auto& t : txs) accessNow(patient, t.id);
          inner = hubsoap::transactionList(patient, txs);
        }
        break;
      }
      case Operation::GetPatientAuditTrail: {
        const auto select = need(read::first(call.request, "select"), "select");
        const auto patient = patientOf(select);
        if (mayAccess(patient)) inner = hubsoap::auditTrail(store_.accesses(patient));
        break;
      }
    }
    answer = soap(200, hubsoap::answer(*op, options_.hubId, ack, inner));
  } catch (const tokens::Error& e) {
    return fault("soapenv:Client", e.code() + ": " + e.what());
  } catch (const std::exception& e) {
    return fault("soapenv:Server", e.what());
  }
  if (mode == "slow") answer.delay = options_.slowDelay;
  return answer;
}

}  // namespace ehagent::sandbox
