#pragma once
// A SAML 1.1 holder-of-key assertion from the eHealth STS, read only after its enveloped
// signature has been verified against the configured STS trust.
#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "certs/certificate.hpp"

namespace ehagent::tokens {

struct SamlToken {
  std::string xml;  // the assertion, standalone (exclusive c14n of the received element)
  std::string assertion_id;
  std::string issuer;
  std::chrono::system_clock::time_point not_before;
  std::chrono::system_clock::time_point not_on_or_after;
  std::map<std::string, std::vector<std::string>> attributes;  // AttributeName -> values
  std::string holder_certificate_b64;  // the SubjectConfirmation KeyInfo X509Certificate

  // Convenience reads of the attributes; empty when absent.
  [[nodiscard]] std::string first(const std::string& attribute) const;
  [[nodiscard]] bool isTrue(const std::string& attribute) const;
};

struct SamlCheck {
  std::vector<certs::Certificate> sts_trust;  // the STS signing certificates themselves (pinned; a CA is not enough)
  std::string expected_ssin;                  // the practitioner the token must be about
  const certs::Certificate* holder = nullptr;  // the eHealth certificate it must be bound to
  std::chrono::system_clock::time_point now;
  std::chrono::seconds clock_skew{60};
};

// Verifies and reads one assertion (standalone XML). Errors (tokens::Error):
// sts_bad_response (not a SAML 1.1 assertion, missing Conditions), sts_bad_signature (signature
// missing, wrong, wrapped or untrusted), sts_expired (now outside NotBefore/NotOnOrAfter),
// sts_wrong_subject (another SSIN, or bound to another certificate).
SamlToken verifySamlAssertion(const std::string& assertion_xml, const SamlCheck& check);

}  // namespace ehagent::tokens
