#include "installer/certificate_checks.hpp"

#include "certs/error.hpp"

namespace ehagent::installer {
namespace {

void judgeRevocation(const certs::Certificate& cert, const certs::Certificate& issuer,
                     certs::RevocationChecker& checker, CertificateVerdict& v) {
  const auto policy = checker.options().policy;
  try {
    const auto r = checker.require(cert, issuer);
    v.revocation = certs::toString(r.status);
    if (r.status == certs::RevocationStatus::Good) {
      v.revocation += " (" + r.source + ")";
    } else if (r.status == certs::RevocationStatus::Unknown) {
      // Only soft-fail gets here with no answer: strict has thrown.
      v.revocation += " (soft-fail, continuing): " + r.reason;
      v.state = "warn";
      v.hint = "no revocation answer: check the network, or name an ocsp_responder or crl_files under "
               "[revocation] in agent.toml";
    } else if (!r.reason.empty()) {
      v.revocation += " (" + r.reason + ")";
    }
  } catch (const certs::Error& e) {
    v.revocation = std::string(e.code() == "certificate_revoked" ? "revoked" : "refused") + " (" + e.code() +
                   ", policy " + certs::toString(policy) + "): " + e.what();
    v.state = "fail";
    v.hint = e.code() == "certificate_revoked"
                 ? "this certificate is revoked: remove it (ehagent-install certs remove) and import a new keystore"
                 : "no revocation answer under the strict policy: make the OCSP responder reachable, add "
                   "crl_files under [revocation], or set policy = \"soft-fail\" in agent.toml";
  }
}

}  // namespace

CertificateVerdict judgeCertificate(const TokenCertificate& found, const certs::TrustStore& trust,
                                    certs::RevocationChecker& checker, certs::TimePoint now) {
  CertificateVerdict v{"trusted", "not_checked", "ok", ""};
  std::vector<certs::Certificate> chain;
  try {
    chain = trust.verify(found.certificate, found.tokenCertificates, now);
  } catch (const certs::Error& e) {
    v.trust = e.code();
    v.revocation = "not_checked (the certificate is not trusted)";
    v.state = "fail";
    v.hint = "add the issuing CA: ehagent-install trust add CA.pem";
    return v;
  }
  if (chain.size() < 2) {
    v.revocation = "not_checked (a trust anchor itself)";
    return v;
  }
  judgeRevocation(found.certificate, chain[1], checker, v);
  return v;
}

}  // namespace ehagent::installer
