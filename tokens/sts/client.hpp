#pragma once
// The eHealth STS login: WS-Trust Issue signed with the eID Authentication key (or, in fallback
// mode, with the eHealth key), the SignChallenge answered with the eHealth key, Renew, and the
// verification of the returned assertion. Nothing is returned unless every check holds.
#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "certs/certificate.hpp"
#include "tokens/net/https_client.hpp"
#include "tokens/sts/assertion.hpp"
#include "tokens/sign/signer.hpp"
#include "tokens/sts/profiles.hpp"

namespace ehagent::tokens {

struct StsConfig {
  std::string endpoint = "https://services-acpt.ehealth.fgov.be/IAM/SecurityTokenService/v1";
  std::chrono::seconds token_lifetime{std::chrono::hours(24)};
  std::vector<certs::Certificate> sts_trust;  // the STS signing certificate(s), pinned
  HttpClientOptions http;                     // service is forced to "sts"
  int max_challenges = 1;                     // an STS that keeps challenging is refused
};

using Clock = std::function<std::chrono::system_clock::time_point()>;

struct Practitioner {
  std::string ssin;
  std::string profession = "doctor";  // a profile name of StsProfiles
};

class StsClient {
 public:
  StsClient(StsConfig config, const StsProfiles& profiles = StsProfiles::builtin(), Clock clock = {});

  // eid_authentication == nullptr: fallback mode, the eHealth key signs everything.
  // Errors (tokens::Error): sts_unreachable, sts_fault, sts_bad_response, sts_bad_signature,
  // sts_expired, sts_wrong_subject, unknown_profession, and the Signer's own errors.
  SamlToken issue(const Practitioner& who, Signer* eid_authentication, Signer& ehealth) const;
  // RequestType Renew with `old` in RenewTarget, signed with the holder-of-key (eHealth) key.
  SamlToken renew(const Practitioner& who, const SamlToken& old, Signer& ehealth) const;

  [[nodiscard]] const StsConfig& config() const noexcept { return config_; }

 private:
  std::string send(const std::string& envelope, std::string_view action, int& status) const;
  SamlToken conclude(const Practitioner& who, const std::string& context, std::string envelope, Signer& ehealth) const;

  StsConfig config_;
  const StsProfiles& profiles_;
  Clock clock_;
  HttpClient http_;
};

}  // namespace ehagent::tokens
