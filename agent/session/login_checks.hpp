#pragma once
// The practitioner's certificates, checked at login before any PIN is asked, so that a refusal
// costs no PIN try: the eID Authentication and eHealth certificates against the agent's trust
// store (agent/config/trust.hpp), their validity period, and their revocation status under
// [revocation]. It blocks (trust files, OCSP and CRL exchanges), so AgentSession runs it on a
// worker of its own, never on an I/O thread.
#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "certs/certificate.hpp"
#include "certs/expiry.hpp"
#include "certs/revocation.hpp"

namespace ehagent::agent {

struct LoginCertificate {
  std::string name;     // as the messages say it: "eID Authentication certificate"
  std::string renewal;  // what the practitioner does once it has expired or been revoked
  certs::Certificate certificate;
  std::vector<certs::Certificate> token_certificates;  // the rest of its token: intermediates
};

LoginCertificate eidAuthenticationCertificate(certs::Certificate certificate,
                                              std::vector<certs::Certificate> token_certificates);
LoginCertificate ehealthCertificate(certs::Certificate certificate,
                                    std::vector<certs::Certificate> token_certificates);

struct LoginCheckSettings {
  std::filesystem::path bundled_trust_dir;  // empty: default_bundled_trust_dir
  std::filesystem::path state_dir;          // the anchors IT staff added
  certs::RevocationOptions revocation;      // from [revocation]
  std::chrono::days expiry_warning = certs::default_expiry_warning_days;
};

struct LoginCheckOutcome {
  // One per certificate: certificate, subject, not_after, days_left, expiry, revocation and,
  // when an answer came, revocation_source.
  nlohmann::json certificates = nlohmann::json::array();
  // {code, certificate, detail}: certificate_expiring (with days_left, not_after), and
  // revocation_unknown when soft-fail went on without an answer. Also logged.
  nlohmann::json warnings = nlohmann::json::array();
};

// Throws ProblemError (problems::certificateRefused: certificate_expired,
// certificate_not_yet_valid, certificate_untrusted, chain_incomplete, key_usage,
// certificate_invalid, certificate_revoked, revocation_unknown) at the first refusal. Every
// certificate's offline checks come before any network exchange, so an expired or untrusted
// certificate is refused without waiting on a responder.
LoginCheckOutcome checkLoginCertificates(const std::vector<LoginCertificate>& certificates,
                                         const LoginCheckSettings& settings, certs::TimePoint now);

}  // namespace ehagent::agent
