#include "agent/session/login_checks.hpp"

#include <spdlog/spdlog.h>

#include <optional>

#include "agent/http/problem.hpp"
#include "agent/config/trust.hpp"
#include "certs/error.hpp"

namespace ehagent::agent {
namespace {

[[noreturn]] void refuse(const std::string& code, const LoginCertificate& c,
                         const std::string& detail) {
  spdlog::warn("login refused ({}): {}", code, detail);
  throw ProblemError(problems::certificateRefused(code, c.name, detail));
}

void warn(LoginCheckOutcome& outcome, nlohmann::json warning) {
  spdlog::warn("login warning ({}): {}", warning["code"].get<std::string>(),
               warning["detail"].get<std::string>());
  outcome.warnings.push_back(std::move(warning));
}

std::string chainAdvice(const std::string& code) {
  if (code == "certificate_untrusted" || code == "chain_incomplete") {
    return " If its CA is to be trusted, IT staff add it with `ehagent-install trust add CA.pem`.";
  }
  return " `ehagent-install certs list` shows the certificates and their chains.";
}

// Validity period and chain; returns the issuer to ask about revocation (none for an anchor).
std::optional<certs::Certificate> checkOffline(const LoginCertificate& c,
                                               const certs::TrustStore& trust,
                                               const LoginCheckSettings& settings,
                                               certs::TimePoint now, LoginCheckOutcome& outcome) {
  const certs::Certificate& cert = c.certificate;
  const certs::Expiry expiry = certs::expiryAt(cert, now, settings.expiry_warning);
  const std::string until = certs::isoDate(cert.notAfter());
  if (expiry.state == certs::ExpiryState::Expired) {
    refuse("certificate_expired", c,
           "the " + c.name + " (" + cert.subject() + ") expired on " + until + ": " + c.renewal);
  }
  if (expiry.state == certs::ExpiryState::NotYetValid) {
    refuse("certificate_not_yet_valid", c,
           "the " + c.name + " is valid only from " + certs::isoDate(cert.notBefore()) +
               ": check this computer's date and time");
  }
  std::vector<certs::Certificate> chain;
  try {
    chain = trust.verify(cert, c.token_certificates, now, certs::Purpose::Authentication);
  } catch (const certs::Error& e) {
    refuse(e.code(), c, "the " + c.name + " is refused: " + e.what() + "." + chainAdvice(e.code()));
  }
  outcome.certificates.push_back({{"certificate", c.name},
                                  {"subject", cert.subject()},
                                  {"not_after", until},
                                  {"days_left", expiry.daysLeft.count()},
                                  {"expiry", certs::toString(expiry.state)},
                                  {"revocation", "not_checked"}});
  if (expiry.state == certs::ExpiryState::Expiring) {
    warn(outcome,
         {{"code", "certificate_expiring"},
          {"certificate", c.name},
          {"days_left", expiry.daysLeft.count()},
          {"not_after", until},
          {"detail", "the " + c.name + " expires on " + until + " (in " +
                         std::to_string(expiry.daysLeft.count()) + " days): " + c.renewal}});
  }
  if (chain.size() < 2) return std::nullopt;
  return chain[1];
}

void checkRevocation(const LoginCertificate& c, const certs::Certificate& issuer,
                     certs::RevocationChecker& checker, nlohmann::json& entry,
                     LoginCheckOutcome& outcome) {
  certs::RevocationResult result;
  try {
    result = checker.require(c.certificate, issuer);
  } catch (const certs::Error& e) {
    if (e.code() == "certificate_revoked") {
      refuse(e.code(), c,
             "the " + c.name + " has been revoked (" + e.what() + "): it can no longer be used; " +
                 c.renewal);
    }
    refuse(e.code(), c,
           "no revocation answer for the " + c.name + " under the strict policy (" + e.what() +
               "): make the OCSP responder reachable, list crl_files under [revocation], or set "
               "policy = \"soft-fail\" in agent.toml");
  }
  entry["revocation"] = certs::toString(result.status);
  if (result.status == certs::RevocationStatus::Good) entry["revocation_source"] = result.source;
  if (result.status == certs::RevocationStatus::Unknown) {
    // Only soft-fail gets here without an answer: strict has refused above.
    warn(outcome, {{"code", "revocation_unknown"},
                   {"certificate", c.name},
                   {"detail", "no revocation answer for the " + c.name + " (" + result.reason +
                                  "); going on under the soft-fail policy"}});
  }
}

}  // namespace

LoginCertificate eidAuthenticationCertificate(certs::Certificate certificate,
                                              std::vector<certs::Certificate> token_certificates) {
  return {"eID Authentication certificate",
          "the eID card must be renewed, or its certificates reactivated, at the municipality",
          std::move(certificate), std::move(token_certificates)};
}

LoginCertificate ehealthCertificate(certs::Certificate certificate,
                                    std::vector<certs::Certificate> token_certificates) {
  return {"eHealth certificate",
          "request a new eHealth certificate from the eHealth platform and import it with "
          "`ehagent-install certs import`",
          std::move(certificate), std::move(token_certificates)};
}

LoginCheckOutcome checkLoginCertificates(const std::vector<LoginCertificate>& certificates,
                                         const LoginCheckSettings& settings, certs::TimePoint now) {
  const certs::TrustStore trust = loadTrustStore(settings.bundled_trust_dir, settings.state_dir);
  for (const std::string& skipped : trust.problems())
    spdlog::warn("trust store: skipped {}", skipped);
  LoginCheckOutcome outcome;
  std::vector<std::optional<certs::Certificate>> issuers;
  for (const LoginCertificate& c : certificates)
    issuers.push_back(checkOffline(c, trust, settings, now, outcome));
  certs::RevocationChecker checker(settings.revocation, trust);
  for (std::size_t i = 0; i < certificates.size(); ++i) {
    if (issuers[i])
      checkRevocation(certificates[i], *issuers[i], checker, outcome.certificates[i], outcome);
  }
  for (const auto& entry : outcome.certificates) {
    spdlog::info("{}: valid until {} ({}), revocation {}", entry["certificate"].get<std::string>(),
                 entry["not_after"].get<std::string>(), entry["expiry"].get<std::string>(),
                 entry["revocation"].get<std::string>());
  }
  return outcome;
}

}  // namespace ehagent::agent
