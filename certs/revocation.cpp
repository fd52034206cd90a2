#include "certs/revocation.hpp"

#include "certs/error.hpp"
#include "certs/revocation_cache.hpp"
#include "certs/revocation_io.hpp"

namespace ehagent::certs {

RevocationPolicy parseRevocationPolicy(std::string_view text) {
  if (text == "strict") return RevocationPolicy::Strict;
  if (text == "soft-fail" || text == "soft_fail") return RevocationPolicy::SoftFail;
  if (text == "off") return RevocationPolicy::Off;
  throw Error("config_invalid", "unknown revocation policy \"" + std::string(text) +
                                    "\" (expected strict, soft-fail or off)");
}

const char* toString(RevocationPolicy policy) noexcept {
  switch (policy) {
    case RevocationPolicy::Strict: return "strict";
    case RevocationPolicy::SoftFail: return "soft-fail";
    case RevocationPolicy::Off: return "off";
  }
  return "unknown";
}

const char* toString(RevocationStatus status) noexcept {
  switch (status) {
    case RevocationStatus::Good: return "good";
    case RevocationStatus::Revoked: return "revoked";
    case RevocationStatus::Unknown: return "unknown";
    case RevocationStatus::NotChecked: return "not_checked";
  }
  return "unknown";
}

RevocationChecker::RevocationChecker(RevocationOptions options, TrustStore trust)
    : options_(std::move(options)),
      trust_(std::move(trust)),
      cache_(std::make_unique<detail::RevocationCache>(options_.cacheFile)) {}

RevocationChecker::~RevocationChecker() = default;

RevocationResult RevocationChecker::check(const Certificate& cert, const Certificate& issuer) {
  if (options_.policy == RevocationPolicy::Off) {
    return {RevocationStatus::NotChecked, "", "revocation checking is off", {}, {}};
  }
  const std::string key = toHex(issuer.sha256Fingerprint()) + ":" + cert.serialHex();
  if (auto cached = cache_->get(key, std::chrono::system_clock::now())) {
    cached->source = "cache (" + cached->source + ")";
    return *cached;
  }

  std::vector<std::string> failures;
  auto settle = [&](RevocationResult r) -> std::optional<RevocationResult> {
    if (r.status == RevocationStatus::Good || r.status == RevocationStatus::Revoked) {
      cache_->put(key, r);
      return r;
    }
    failures.push_back(r.source + ": " + r.reason);
    return std::nullopt;
  };

  std::vector<std::string> ocspUrls;
  if (options_.ocspResponder) {
    ocspUrls.push_back(*options_.ocspResponder);
  } else {
    ocspUrls = cert.ocspUrls();
  }
  for (const auto& url : ocspUrls) {
    if (auto r = settle(checkOcsp(url, cert, issuer))) return *r;
  }
  for (const auto& file : options_.crlFiles) {
    if (auto r = settle(checkCrl(file.string(), cert, issuer))) return *r;
  }
  for (const auto& url : options_.crlUrls) {
    if (auto r = settle(checkCrl(url, cert, issuer))) return *r;
  }
  if (options_.fetchCrlUrls) {
    for (const auto& url : cert.crlUrls()) {
      if (auto r = settle(checkCrl(url, cert, issuer))) return *r;
    }
  }
  RevocationResult unknown{RevocationStatus::Unknown, "", "", {}, {}};
  if (failures.empty()) {
    unknown.reason = "no OCSP responder or CRL is known for this certificate";
  } else {
    for (const auto& f : failures) unknown.reason += (unknown.reason.empty() ? "" : "; ") + f;
  }
  return unknown;
}

RevocationResult RevocationChecker::require(const Certificate& cert, const Certificate& issuer) {
  RevocationResult r = check(cert, issuer);
  if (r.status == RevocationStatus::Revoked) {
    throw Error("certificate_revoked", "certificate revoked (" + r.source +
                                           (r.reason.empty() ? "" : ", " + r.reason) +
                                           "): " + cert.subject());
  }
  if (r.status == RevocationStatus::Unknown && options_.policy == RevocationPolicy::Strict) {
    throw Error("revocation_unknown",
                "revocation status unknown under the strict policy: " + r.reason);
  }
  return r;
}

RevocationResult RevocationChecker::checkOcsp(const std::string& url, const Certificate& cert,
                                              const Certificate& issuer) {
  return detail::queryOcsp(url, cert, issuer, trust_, options_);
}

RevocationResult RevocationChecker::checkCrl(const std::string& where, const Certificate& cert,
                                             const Certificate& issuer) {
  return detail::checkAgainstCrl(where, cert, issuer, options_);
}

}  // namespace ehagent::certs
