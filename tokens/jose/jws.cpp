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

std::string signCompact(const nlohmann::json& claims, Signer& signer, const HeaderOptions& header,
                        std::optional<SignatureAlgorithm> alg) {
  const SignatureAlgorithm algorithm = alg.value_or(signer.defaultAlgorithm());
  nlohmann::json h{{"alg", jwsName(algorithm)}, {"typ", header.typ}};
  if (header.kid) h["kid"] = *header.kid;
  // x5c is standard base64 (not base64url), RFC 7515 section 4.1.6.
  if (header.x5c) h["x5c"] = nlohmann::json::array({base64Encode(signer.certificate().der())});
  const std::string signing_input = base64UrlEncode(asBytes(h.dump())) + "." + base64UrlEncode(asBytes(claims.dump()));
  const std::vector<std::uint8_t> signature = signer.sign(asBytes(signing_input), algorithm);
  return signing_input + "." + base64UrlEncode(signature);
}

std::string clientAssertion(const ClientAssertion& request, Signer& signer) {
  if (request.client_id.empty() || request.audience.empty())
    throw Error("invalid_input", "a client assertion needs a client id and an audience");
  if (request.lifetime.count() <= 0) throw Error("invalid_input", "the assertion lifetime must be positive");
  const auto now = epochSeconds(request.now.value_or(Clock::now()));
  const nlohmann::json claims{{"iss", request.client_id},
                              {"sub", request.client_id},
                              {"aud", request.audience},
                              {"jti", jti()},
                              {"iat", now},
                              {"nbf", now},
                              {"exp", now + request.lifetime.count()}};
  HeaderOptions header;
  header.kid = request.kid;
  return signCompact(claims, signer, header, request.alg.value_or(SignatureAlgorithm::RsaSha256));
}

std::string practitionerToken(const PractitionerToken& request, Signer& signer) {
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
                        {"cnf", {{"x5t#S256", base64UrlEncode(signer.certificate().sha256Fingerprint())}}}};
  if (!request.nihii.empty()) claims["nihii"] = request.nihii;
  HeaderOptions header;
  header.x5c = true;
  return signCompact(claims, signer, header);
}

}  // namespace ehagent::tokens::jws
