#pragma once
// Is a certificate revoked? OCSP first (the configured responder, else the AIA URL), then CRLs
// (configured files and URLs, then the certificate's distribution points). Answers are cached until
// the responder's nextUpdate, in memory and, when cacheFile is set, on disk.
#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "certs/certificate.hpp"
#include "certs/trust_store.hpp"

namespace ehagent::certs {

namespace detail {
class RevocationCache;
}

// strict: no answer refuses; soft_fail: no answer warns and goes on (an offline practice still
// works); off: no check at all.
enum class RevocationPolicy { Strict, SoftFail, Off };
[[nodiscard]] RevocationPolicy parseRevocationPolicy(std::string_view text);  // "strict", "soft-fail", "off"
[[nodiscard]] const char* toString(RevocationPolicy policy) noexcept;

enum class RevocationStatus { Good, Revoked, Unknown, NotChecked };
[[nodiscard]] const char* toString(RevocationStatus status) noexcept;  // "good", "revoked", ...

struct RevocationResult {
  RevocationStatus status = RevocationStatus::NotChecked;
  std::string source;  // "ocsp http://...", "crl /path", "cache"
  std::string reason;  // why Unknown; the revocation reason for Revoked
  std::optional<TimePoint> revokedAt;
  std::optional<TimePoint> nextUpdate;
};

struct RevocationOptions {
  RevocationPolicy policy = RevocationPolicy::SoftFail;
  std::optional<std::string> ocspResponder;  // overrides the AIA URL
  std::vector<std::filesystem::path> crlFiles;
  std::vector<std::string> crlUrls;  // fetched before the certificate's own distribution points
  bool fetchCrlUrls = true;          // the certificate's distribution points
  std::filesystem::path cacheFile;   // empty: answers are kept in memory only
  std::chrono::seconds timeout{5};  // per network exchange
  bool ocspNonce = true;
  // An HTTP proxy for OCSP and CRL fetches ("http://proxy:3128"); empty: OpenSSL reads http_proxy /
  // HTTP_PROXY (https_proxy for https URLs) and no_proxy from the environment.
  std::string proxy;
  std::string noProxy;
};

class RevocationChecker {
 public:
  // The store vouches for OCSP responders and CRL issuers.
  RevocationChecker(RevocationOptions options, TrustStore trust);
  ~RevocationChecker();
  RevocationChecker(const RevocationChecker&) = delete;
  RevocationChecker& operator=(const RevocationChecker&) = delete;

  // The raw answer. Never throws for a network or responder failure: that is Unknown + reason.
  RevocationResult check(const Certificate& cert, const Certificate& issuer);

  // check() under the policy: throws Error("certificate_revoked") when revoked, and
  // Error("revocation_unknown") when no answer came under strict. Otherwise returns the result,
  // which under soft-fail may be Unknown: the caller shows it as a warning.
  RevocationResult require(const Certificate& cert, const Certificate& issuer);

  [[nodiscard]] const RevocationOptions& options() const { return options_; }

 private:
  RevocationResult checkOcsp(const std::string& url, const Certificate& cert,
                             const Certificate& issuer);
  RevocationResult checkCrl(const std::string& where, const Certificate& cert,
                            const Certificate& issuer);

  RevocationOptions options_;
  TrustStore trust_;
  std::unique_ptr<detail::RevocationCache> cache_;  // by issuer fingerprint + serial
};

}  // namespace ehagent::certs
