#include "tokens/jose/jws.hpp"

#include "tokens/sign/crypto.hpp"
#include "core/base64.hpp"
#include "tokens/error.hpp"
#include "tokens/xml/wssecurity.hpp"

namespace ehagent::tokens::jws {

namespace {
std::int64_t epochSeconds(Clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

std::string jti() { return ehagent::randomId("jti"); }
}  // namespace

Unsigned unsignedCompact(const nlohmann::json& claims, const certs::Certificate& certificate,
                         SignatureAlgorithm algorithm, const HeaderOptions& header) {
  nlohmann::json h{{"alg", jwsName(algorithm)}, {"typ", header.typ}};
  if (header.kid) h["kid"] = *header.kid;
  // x5c is standard base64 (not base64url), RFC 7515 section 4.1.6.
  if (header.x5c) h["x5c"] = nlohmann::json::array({base64Encode(certificate.der())});
  return {base64UrlEncode(asBytes(h.dump())) + "." + base64UrlEncode(asBytes(claims.dump())), algorithm};
}

std::string compact(const Unsigned& jws, std::span<const std::uint8_t> signature) {
  return jws.signing_input + "." + base64UrlEncode(signature);
}

std::string signCompact(const nlohmann::json& claims, Signer& signer, const HeaderOptions& header,
                        std::optional<SignatureAlgorithm> alg) {
  const Unsigned jws = unsignedCompact(claims, signer.certificate(), alg.value_or(signer.defaultAlgorithm()), header);
  return compact(jws, signer.sign(asBytes(jws.signing_input), jws.algorithm));
}

namespace {

nlohmann::json clientAssertionClaims(const ClientAssertion& request) {
  if (request.client_id.empty() || request.audience.empty())
    throw Error("invalid_input", "a client assertion needs a client id and an audience");
  if (request.lifetime.count() <= 0) throw Error("invalid_input", "the assertion lifetime must be positive");
  const auto now = epochSeconds(request.now.value_or(Clock::now()));
  return {{"iss", request.client_id}, {"sub", request.client_id}, {"aud", request.audience}, {"jti", jti()},
          {"iat", now},               {"nbf", now},               {"exp", now + request.lifetime.count()}};
}

nlohmann::json practitionerClaims(const PractitionerToken& request, const certs::Certificate& certificate) {
  if (request.audience.empty()) throw Error("invalid_input", "a practitioner JWT needs an audience");
  if (request.ssin.empty() || request.name.empty()) throw Error("invalid_input", "a practitioner JWT needs an SSIN and a name");
  if (request.lifetime.count() <= 0) throw Error("invalid_input", "the token lifetime must be positive");
  const auto now = epochSeconds(request.now.value_or(Clock::now()));
  nlohmann::json claims{{"sub", request.ssin},
                        {"name", request.name},
                        {"aud", request.audience},
                        {"iat", now},
                        {"exp", now + request.lifetime.count()},
                        {"jti", jti()},
                        {"cnf", {{"x5t#S256", base64UrlEncode(certificate.sha256Fingerprint())}}}};
  if (!request.nihii.empty()) claims["nihii"] = request.nihii;
  return claims;
}

}  // namespace

Unsigned clientAssertionInput(const ClientAssertion& request, const certs::Certificate& certificate) {
  return unsignedCompact(clientAssertionClaims(request), certificate,
                         request.alg.value_or(SignatureAlgorithm::RsaSha256), HeaderOptions{.kid = request.kid});
}

std::string clientAssertion(const ClientAssertion& request, Signer& signer) {
  return signCompact(clientAssertionClaims(request), signer, HeaderOptions{.kid = request.kid},
                     request.alg.value_or(SignatureAlgorithm::RsaSha256));
}

Unsigned practitionerTokenInput(const PractitionerToken& request, const certs::Certificate& certificate,
                                SignatureAlgorithm algorithm) {
  return unsignedCompact(practitionerClaims(request, certificate), certificate, algorithm, HeaderOptions{.x5c = true});
}

std::string practitionerToken(const PractitionerToken& request, Signer& signer) {
  return signCompact(practitionerClaims(request, signer.certificate()), signer, HeaderOptions{.x5c = true});
}

}  // namespace ehagent::tokens::jws
