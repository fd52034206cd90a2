#pragma once
// Compact JWS (RFC 7515) signed through a Signer, and the two JWT kinds ehagent issues.
// ECDSA signatures are raw r||s (RFC 7518 section 3.4), which is what the Signer returns.
#include <chrono>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "tokens/sign/signer.hpp"

namespace ehagent::tokens::jws {

using Clock = std::chrono::system_clock;

struct HeaderOptions {
  std::optional<std::string> kid;
  bool x5c = false;           // put the signer's certificate (base64 DER) in "x5c"
  std::string typ = "JWT";
};

// A JWS before its signature: what the key signs, and with which algorithm. The agent builds it
// where the request arrives and sends only the signing to the card, so that the card's thread
// does nothing but sign and the audit row can be written while it does.
struct Unsigned {
  std::string signing_input;  // base64url(header) "." base64url(claims)
  SignatureAlgorithm algorithm;
};
Unsigned unsignedCompact(const nlohmann::json& claims, const certs::Certificate& certificate,
                         SignatureAlgorithm algorithm, const HeaderOptions& header = {});
// header.payload.signature
std::string compact(const Unsigned& jws, std::span<const std::uint8_t> signature);

// header.payload.signature, base64url without padding. `alg` defaults to the Signer's.
std::string signCompact(const nlohmann::json& claims, Signer& signer, const HeaderOptions& header = {},
                        std::optional<SignatureAlgorithm> alg = std::nullopt);

// RFC 7523 client assertion for eHealth I.AM: iss = sub = client_id, aud, jti, iat, nbf, exp
// (now + lifetime), header kid. Signed RS256 unless `alg` says otherwise.
struct ClientAssertion {
  std::string client_id;
  std::string audience;  // the realm URL, e.g. https://api-acpt.ehealth.fgov.be/auth/realms/M2M
  std::string kid;
  std::chrono::seconds lifetime{std::chrono::minutes(5)};
  std::optional<Clock::time_point> now;
  std::optional<SignatureAlgorithm> alg;  // default RS256
};
std::string clientAssertion(const ClientAssertion& request, Signer& signer);
Unsigned clientAssertionInput(const ClientAssertion& request, const certs::Certificate& certificate);

// The practitioner identity JWT: sub (SSIN), nihii, name, aud (required), iat, exp, jti,
// cnf {"x5t#S256": SHA-256 thumbprint of the signing certificate}, header x5c. Signed with the
// Signer's default algorithm (ES384 on EC cards, RS256 on RSA cards).
struct PractitionerToken {
  std::string ssin;
  std::string nihii;
  std::string name;
  std::string audience;
  std::chrono::seconds lifetime{std::chrono::minutes(10)};
  std::optional<Clock::time_point> now;
};
// Throws Error("invalid_input") when audience, ssin or name is empty.
std::string practitionerToken(const PractitionerToken& request, Signer& signer);
Unsigned practitionerTokenInput(const PractitionerToken& request, const certs::Certificate& certificate,
                                SignatureAlgorithm algorithm);

}  // namespace ehagent::tokens::jws
