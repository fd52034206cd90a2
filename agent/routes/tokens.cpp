// GET /v1/tokens/saml: the STS assertion (XML, and base64 for convenience), its validity and its
// attributes. POST /v1/tokens/jwt: {"kind": "iam-client-assertion", "client_id", "audience",
// "kid"?} signed RS256 with the eHealth key, or {"kind": "practitioner", "audience"} signed with
// the eID Authentication key (ES384 on EC cards, RS256 on RSA cards). Every token is audited.
#include "agent/routes/tokens.hpp"

#include "core/bytes.hpp"
#include "core/digest.hpp"
#include "core/random.hpp"
#include "core/time.hpp"
#include "core/base64.hpp"
#include "agent/session/session.hpp"
#include "tokens/jose/jws.hpp"
#include "tokens/xml/wssecurity.hpp"

namespace ehagent::agent {
namespace {

AgentSession& sessionOf(RequestContext& context) {
  if (context.server.session == nullptr) throw ProblemError(problems::noCard("no_reader"));
  return *context.server.session;
}

nlohmann::json samlJson(const tokens::SamlToken& token) {
  nlohmann::json attributes = nlohmann::json::object();
  for (const auto& [name, values] : token.attributes) attributes[name] = values;
  const auto& xml = token.xml;
  return {{"assertion", xml},
          {"assertion_base64", ehagent::base64Encode({reinterpret_cast<const std::uint8_t*>(xml.data()), xml.size()})},
          {"assertion_id", token.assertion_id},
          {"issuer", token.issuer},
          {"not_before", ehagent::formatDateTime(token.not_before)},
          {"not_on_or_after", ehagent::formatDateTime(token.not_on_or_after)},
          {"attributes", attributes}};
}

// Runs `issue` with the operation's audit, records the outcome, and rethrows a failure. A token
// signed here has its "started" row written while the key signs (signWithHeldKey); a
// token that is only handed out (the cached SAML assertion) gets one row, with its hash.
template <class F>
boost::asio::awaitable<std::string> audited(RequestContext& context, const std::string& operation, F issue) {
  const auto who = context.server.session ? context.server.session->identified() : std::nullopt;
  auto audit = std::make_shared<SignatureAudit>(context.server.audit,
                                                AuditEntry{context.client, who ? who->ssin : "", operation, "", "", "", ""});
  std::exception_ptr failure;
  std::string token;
  try {
    token = co_await issue(audit);
  } catch (...) {
    failure = std::current_exception();
  }
  if (failure) {
    audit->finish("refused", problemFromException(failure).code);
    std::rethrow_exception(failure);
  }
  audit->finish("ok", "", sha256Hex(token));
  co_return token;
}

// The JWT is built here, on the I/O thread, for the logged-in key; the card's queue only signs it.
template <class Build>
boost::asio::awaitable<std::string> signJwt(AgentSession& session, AgentSession::KeyRole role,
                                            std::shared_ptr<SignatureAudit> audit, Build build) {
  AgentSession::HeldKey key = session.heldKey(role);
  const tokens::jws::Unsigned jws = build(key);
  // A named awaitable: the parameters move into a plain call, not into a co_await expression (GCC 12).
  auto signing = session.signWithHeldKey(std::move(key), jws.signing_input, jws.algorithm, std::move(audit));
  const std::vector<std::uint8_t> signature = co_await std::move(signing);
  co_return tokens::jws::compact(jws, signature);
}

boost::asio::awaitable<Response> getSaml(const Request& request, RequestContext& context) {
  AgentSession& session = sessionOf(context);
  tokens::SamlToken token;
  co_await audited(context, "saml", [&](const std::shared_ptr<SignatureAudit>&) -> boost::asio::awaitable<std::string> {
    token = co_await session.samlToken();
    co_return token.xml;
  });
  co_return jsonResponse(request, http::status::ok, samlJson(token));
}

boost::asio::awaitable<Response> postJwt(const Request& request, RequestContext& context) {
  const nlohmann::json body = parseJsonBody(request);
  if (!body.is_object()) throw ProblemError(problems::invalidInput("", "the body must be a JSON object"));
  const std::string kind = requireString(body, "kind");
  const std::string audience = requireString(body, "audience");
  if (audience.empty()) throw ProblemError(problems::invalidInput("/audience", "audience must not be empty"));
  AgentSession& session = sessionOf(context);
  std::string jwt;
  if (kind == "iam-client-assertion") {
    tokens::jws::ClientAssertion claims;
    claims.client_id = requireString(body, "client_id");
    if (claims.client_id.empty()) throw ProblemError(problems::invalidInput("/client_id", "client_id must not be empty"));
    claims.audience = audience;
    if (body.contains("kid")) claims.kid = requireString(body, "kid");
    jwt = co_await audited(context, "jwt-iam-client-assertion", [&](const std::shared_ptr<SignatureAudit>& audit) {
      return signJwt(session, AgentSession::KeyRole::Ehealth, audit, [claims](const AgentSession::HeldKey& key) mutable {
        // The eHealth certificate's serial names the key unless the client registered another kid.
        if (claims.kid.empty()) claims.kid = key.certificate.serialDecimal();
        return tokens::jws::clientAssertionInput(claims, key.certificate);
      });
    });
  } else if (kind == "practitioner") {
    // The login check runs inside `audited`: a refusal for want of a session is audited, as it is
    // for the client assertion.
    jwt = co_await audited(context, "jwt-practitioner", [&](const std::shared_ptr<SignatureAudit>& audit) {
      const auto who = session.identified();
      if (!who || !session.loggedIn()) throw ProblemError(problems::notLoggedIn());
      tokens::jws::PractitionerToken claims;
      claims.ssin = who->ssin;
      claims.nihii = who->nihii;
      claims.name = who->first_names + " " + who->surname;
      claims.audience = audience;
      return signJwt(session, AgentSession::KeyRole::EidAuthentication, audit, [claims](const AgentSession::HeldKey& key) {
        return tokens::jws::practitionerTokenInput(claims, key.certificate, key.algorithm);
      });
    });
  } else {
    throw ProblemError(problems::invalidInput("/kind", "kind must be iam-client-assertion or practitioner"));
  }
  // Written out rather than serialised: kind is one of the two names above and a compact JWS is
  // base64url and dots, so neither needs escaping, and this answer is on every signature's path.
  co_return jsonTextResponse(request, http::status::ok, R"({"kind":")" + kind + R"(","jwt":")" + jwt + R"("})");
}

}  // namespace

void addTokenRoutes(Router& router) {
  router.add({http::verb::get, "/v1/tokens/saml", Access::key, "The STS SAML token of the logged-in practitioner", getSaml});
  router.add({http::verb::post, "/v1/tokens/jwt", Access::key, "A JWT: I.AM client assertion or practitioner identity",
              postJwt});
}

}  // namespace ehagent::agent
