// The hub routes. One flow for all of them: check the input (refusals are audited and nothing is
// signed), build the intrahub v3 body, sign it in the holder-of-key envelope on the card queue, audit
// it with the patient and the SHA-256 of the signed Body, then return the envelope (mode=sign) or
// send it from the server's network pool, so neither an I/O thread nor a card waits on a hub, and
// return the answer.
#include "agent/routes/hubs.hpp"

#include "agent/config/hubs.hpp"
#include "agent/session/session.hpp"
#include "agent/session/worker_pool.hpp"

// GCC 12 reports asio's coroutine frame allocator (its own operator new/delete pair) as a mismatch
// in coroutines with try/catch around co_await; the pair is asio's and matches.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

#include <boost/asio/use_awaitable.hpp>

#include "tokens/sign/cades.hpp"
#include "tokens/sign/crypto.hpp"
#include "hubs/error.hpp"
#include "hubs/requests.hpp"
#include "hubs/sumehr.hpp"

namespace ehagent::agent {
namespace {

namespace asio = boost::asio;
using nlohmann::json;
using hubs::Operation;
using hubs::RequestHeader;

// Builds the body for a header; may read the patient's card (and so sets the audited patient).
using BodyBuilder = std::function<asio::awaitable<std::string>(const RequestHeader&, std::string& patient)>;

struct HubJob {
  Operation op;
  std::string auditOperation;  // "hub.consent.put", ...
  std::string patient;         // known up front, or set by the builder
  BodyBuilder build;
};

bool signOnly(const RequestContext& ctx) {
  const auto it = ctx.query.find("mode");
  if (it == ctx.query.end() || it->second == "submit") return false;
  if (it->second == "sign") return true;
  throw ProblemError(problems::invalidInput("/mode", "mode is sign or submit"));
}

hubs::Software software(const Request& request, const RequestContext& ctx) {
  std::string version(request["X-Client-Version"]);
  if (version.empty()) version = "unspecified";
  if (version.size() > 40 || version.find_first_of("<>&\"\r\n") != std::string::npos) {
    throw ProblemError(problems::invalidInput("/X-Client-Version", "the client version is at most 40 plain characters"));
  }
  return {ctx.client.empty() ? "unknown-client" : ctx.client, version};
}

asio::awaitable<Response> runHubJob(const Request& request, RequestContext& ctx, HubSession& session, HubJob job) {
  std::string practitionerSsin;
  std::string bodySha;
  const auto audit = [&](const std::string& outcome, const std::string& code) {
    ctx.server.audit.append(AuditEntry{ctx.client, practitionerSsin, job.auditOperation, job.patient, bodySha,
                                       outcome, code});
  };
  try {
    const bool sign = signOnly(ctx);
    std::optional<hubs::HubEndpoint> endpoint;
    if (!sign) {
      const auto& name = ctx.path_params.at("hub");
      auto configured = hubEndpoint(ctx.server.config, name);
      if (!configured) throw ProblemError(problems::unknownHub(name));
      endpoint = std::move(*configured);
    }
    RequestHeader header;
    header.author.practitioner = session.practitioner();
    practitionerSsin = header.author.practitioner.ssin;
    header.author.software = software(request, ctx);
    const std::string body = co_await job.build(header, job.patient);
    const std::string assertion = co_await session.samlAssertion();
    const auto signed_ = co_await session.withHolderOfKey(
        [&](tokens::Signer& key) { return hubs::signHubRequest(job.op, body, assertion, key); });
    bodySha = signed_.bodySha256Hex;
    json out{{"operation", hubs::operationName(job.op)},
             {"soap_action", signed_.soapAction},
             {"body_sha256", bodySha}};
    if (sign) {
      out["mode"] = "sign";
      out["envelope"] = signed_.envelope;
      audit("ok", "");
      co_return jsonResponse(request, http::status::ok, out);
    }
    std::function<json()> submit = [&] { return hubs::submitHubRequest(*endpoint, signed_); };
    json answer;
    answer = co_await ctx.server.network.run<json>(std::move(submit));
    out.update(answer);
    out["mode"] = "submit";
    out["hub"] = endpoint->name;
    const auto& ack = answer.at("acknowledge");
    const bool complete = ack.at("iscomplete").get<bool>();
    audit(complete ? "ok" : "failed",
          complete ? "" : ack.at("errors").empty() ? "hub_incomplete" : ack.at("errors")[0].value("code", ""));
    co_return jsonResponse(request, http::status::ok, out);
  } catch (const hubs::InvalidField& e) {
    const auto problem = problems::invalidInput(hubinput::apiPointer(e.pointer()), e.what());
    audit("refused", problem.code);
    throw ProblemError(problem);
  } catch (const ProblemError& e) {
    audit(e.problem().status < 500 ? "refused" : "failed", e.problem().code);
    throw;
  } catch (...) {
    audit("failed", problemFromException(std::current_exception()).code);
    throw;
  }
}

// The patient of a consent or link: given, or read from the patient's eID in the other reader.
asio::awaitable<hubs::PatientRef> resolvePatient(HubSession& session, const hubinput::PatientInput& in,
                                                        std::string& auditPatient) {
  hubs::PatientRef p{in.ssin, in.cardKind, in.cardNumber};
  if (in.readCard) {
    const PatientCard card = co_await session.readPatientCard();
    if (!in.ssin.empty() && in.ssin != card.ssin) {
      throw ProblemError(problems::invalidInput("/patient", "the patient's card holds another SSIN"));
    }
    p = {card.ssin, hubs::CardKind::Eid, card.cardNumber};
  }
  auditPatient = p.ssin;
  co_return p;
}

json bodyJson(const Request& request) { return request.body().empty() ? json() : parseJsonBody(request); }

std::string patientQuery(const RequestContext& ctx) {
  const auto it = ctx.query.find("patient");
  if (it == ctx.query.end() || it->second.empty()) {
    throw ProblemError(problems::invalidInput("/patient", "the patient query parameter (an SSIN) is required"));
  }
  return it->second;
}

Handler consentRoute(HubSessionOf sessionOf, bool revoke) {
  return [sessionOf, revoke](const Request& request, RequestContext& ctx) -> asio::awaitable<Response> {
    HubSession& session = sessionOf(ctx);
    HubJob job{revoke ? Operation::RevokePatientConsent : Operation::PutPatientConsent,
               revoke ? "hub.consent.revoke" : "hub.consent.put", revoke ? ctx.path_params["ssin"] : "", {}};
    job.build = [&](const RequestHeader& header, std::string& patient) -> asio::awaitable<std::string> {
      const auto in = hubinput::consentInput(bodyJson(request), revoke ? ctx.path_params["ssin"] : "",
                                             revoke ? "revoke_date" : "sign_date");
      patient = in.patient.ssin;
      // Awaited on its own line: GCC 12 destroys a co_await result inside a braced initializer twice.
      const auto patientRef = co_await resolvePatient(session, in.patient, patient);
      const hubs::Consent consent{patientRef, in.date};
      co_return revoke ? hubs::buildRevokePatientConsent(header, consent)
                       : hubs::buildPutPatientConsent(header, consent);
    };
    co_return co_await runHubJob(request, ctx, session, std::move(job));
  };
}

Handler linkRoute(HubSessionOf sessionOf, bool revoke) {
  return [sessionOf, revoke](const Request& request, RequestContext& ctx) -> asio::awaitable<Response> {
    HubSession& session = sessionOf(ctx);
    HubJob job{revoke ? Operation::RevokeTherapeuticLink : Operation::PutTherapeuticLink,
               revoke ? "hub.link.revoke" : "hub.link.put", revoke ? ctx.path_params["ssin"] : "", {}};
    job.build = [&](const RequestHeader& header, std::string& patient) -> asio::awaitable<std::string> {
      auto in = hubinput::linkInput(bodyJson(request), revoke ? ctx.path_params["ssin"] : "");
      patient = in.patient.ssin;
      const auto patientRef = co_await resolvePatient(session, in.patient, patient);
      in.link.patient = patientRef;
      if (in.patient.readCard && !in.proofGiven) in.link.proof = hubs::ProofKind::EidReading;
      if (in.link.proof == hubs::ProofKind::EidSigning) {
        in.link.proof = hubs::ProofKind::EidReading;  // checks the link before the patient signs
        const std::string content = hubs::therapeuticLinkContent(header, in.link);
        in.link.binaryProof = co_await session.withPatientSignatureKey(
            [&](tokens::Signer& key) { return tokens::signCadesBes(ehagent::asBytes(content), key); });
        in.link.proof = hubs::ProofKind::EidSigning;
      }
      co_return revoke ? hubs::buildRevokeTherapeuticLink(header, in.link)
                       : hubs::buildPutTherapeuticLink(header, in.link);
    };
    co_return co_await runHubJob(request, ctx, session, std::move(job));
  };
}

Handler putTransactionRoute(HubSessionOf sessionOf) {
  return [sessionOf](const Request& request, RequestContext& ctx) -> asio::awaitable<Response> {
    HubSession& session = sessionOf(ctx);
    HubJob job{Operation::PutTransaction, "hub.transaction.put", "", {}};
    job.build = [&](const RequestHeader& header, std::string& patient) -> asio::awaitable<std::string> {
      const auto sumehr = hubs::validateSumehr(request.body(), header.author.practitioner);
      patient = sumehr.patientSsin;
      co_return hubs::buildPutTransaction(header, sumehr);
    };
    co_return co_await runHubJob(request, ctx, session, std::move(job));
  };
}

Handler queryRoute(HubSessionOf sessionOf, bool auditTrail) {
  return [sessionOf, auditTrail](const Request& request, RequestContext& ctx) -> asio::awaitable<Response> {
    HubSession& session = sessionOf(ctx);
    HubJob job{auditTrail ? Operation::GetPatientAuditTrail : Operation::GetTransactionList,
               auditTrail ? "hub.audittrail.get" : "hub.transactions.list", "", {}};
    job.build = [&](const RequestHeader& header, std::string& patient) -> asio::awaitable<std::string> {
      patient = patientQuery(ctx);
      const hubs::PatientQuery q{patient, "", ""};
      co_return auditTrail ? hubs::buildGetPatientAuditTrail(header, q)
                           : hubs::buildGetTransactionList(header, q);
    };
    co_return co_await runHubJob(request, ctx, session, std::move(job));
  };
}

}  // namespace

void addHubRoutes(Router& router, const HubSessionOf& session) {
  router.add({http::verb::post, "/v1/hubs/{hub}/consents", Access::key, "Register the patient's consent at a hub",
              consentRoute(session, false)});
  router.add({http::verb::delete_, "/v1/hubs/{hub}/consents/{ssin}", Access::key, "Revoke the patient's consent",
              consentRoute(session, true)});
  router.add({http::verb::post, "/v1/hubs/{hub}/therapeutic-links", Access::key, "Declare a therapeutic link",
              linkRoute(session, false)});
  router.add({http::verb::delete_, "/v1/hubs/{hub}/therapeutic-links/{ssin}", Access::key, "Revoke a therapeutic link",
              linkRoute(session, true)});
  router.add({http::verb::post, "/v1/hubs/{hub}/transactions", Access::key, "Publish a Sumehr (the body is the KMEHR XML)",
              putTransactionRoute(session)});
  router.add({http::verb::get, "/v1/hubs/{hub}/transactions", Access::key, "List the patient's transactions",
              queryRoute(session, false)});
  router.add({http::verb::get, "/v1/hubs/{hub}/audit-trail", Access::key, "Who consulted the patient's record",
              queryRoute(session, true)});
}

void addHubRoutes(Router& router, HubSession& session) {
  addHubRoutes(router, [&session](RequestContext&) -> HubSession& { return session; });
}

void addHubRoutes(Router& router) {
  addHubRoutes(router, [](RequestContext& ctx) -> HubSession& {
    if (ctx.server.session == nullptr) throw ProblemError(problems::noCard("no_reader"));
    return *ctx.server.session;
  });
}

}  // namespace ehagent::agent
