#pragma once
// The certificates the agent trusts: the bundled anchors (data/trust in a build tree,
// /usr/share/ehagent/trust once installed) plus those IT staff add under the state dir's trust/.
// Callers pass the directories in; nothing here knows where the agent is installed.
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "certs/certificate.hpp"

struct x509_store_st;  // OpenSSL's X509_STORE

namespace ehagent::certs {

// What the leaf's key usage must allow.
enum class Purpose {
  Any,
  Authentication,  // eID Authentication, eHealth holder-of-key: digitalSignature
  Signature,       // eID Signature: nonRepudiation
};

class TrustStore {
 public:
  TrustStore() = default;
  explicit TrustStore(const std::vector<Certificate>& certs);
  // Every *.pem, *.crt and *.cer file in each directory (PEM bundles or one DER certificate).
  // A directory that does not exist is skipped; a file that does not parse is skipped and named
  // in problems(), so that one bad file does not take the whole store down.
  static TrustStore fromDirectories(const std::vector<std::filesystem::path>& dirs);

  void add(const Certificate& cert);  // in memory; duplicates are ignored
  [[nodiscard]] const std::vector<Certificate>& certificates() const { return certs_; }
  [[nodiscard]] const std::vector<std::string>& problems() const { return problems_; }
  [[nodiscard]] bool contains(const Certificate& cert) const;

  // Builds and checks the path from leaf to a self-signed certificate of this store at `at`:
  // validity periods, CA constraints and signatures, then the leaf's key usage for `purpose`.
  // `untrusted` may supply intermediates (a .p12 chain); they are never anchors. Returns the
  // chain leaf first. Throws Error with code chain_incomplete (an issuer is nowhere to be found),
  // certificate_untrusted (the path ends at a root not in this store), certificate_expired,
  // certificate_not_yet_valid, key_usage, or certificate_invalid.
  std::vector<Certificate> verify(const Certificate& leaf,
                                  const std::vector<Certificate>& untrusted, TimePoint at,
                                  Purpose purpose = Purpose::Any) const;

  // Pinning: `cert` must be one of this store's certificates or chain to one of them, and any of
  // them is an anchor even when it is not self-signed (eHealth pins the STS certificate itself,
  // not a root). Signatures only: no validity period or key usage. Throws Error(`code`) with
  // OpenSSL's reason and the certificate's subject.
  void requirePinned(const Certificate& cert, const std::string& code) const;

  // A fresh X509_STORE holding these certificates, for OCSP response checks.
  [[nodiscard]] std::shared_ptr<x509_store_st> nativeStore() const;

  // Writes a CA certificate into a trust directory as <sha256 prefix>.pem (mode 0644) and
  // returns its path; `added` is false when it was already there. Throws Error("trust_store")
  // for a certificate that is not a CA.
  struct Installed {
    std::filesystem::path path;
    bool added = false;
  };
  static Installed installInto(const std::filesystem::path& dir, const Certificate& cert);

 private:
  std::vector<Certificate> certs_;
  std::vector<std::string> problems_;
};

}  // namespace ehagent::certs
