#pragma once
// Importing an eHealth .p12 into a PKCS#11 token. Every check runs before the first write, and a
// write that fails half-way removes what it created, so a failed import leaves the token as it was.
#include <chrono>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>

#include "certs/certificate.hpp"
#include "certs/trust_store.hpp"
#include "pkcs11/secret.hpp"

namespace ehagent::installer {

// A refusal with a stable code (the certs::Error codes, plus token_not_found, no_free_slot,
// already_imported, token_error).
class ImportError : public std::runtime_error {
 public:
  ImportError(std::string code, const std::string& message)
      : std::runtime_error(message), code_(std::move(code)) {}
  [[nodiscard]] const std::string& code() const noexcept { return code_; }

 private:
  std::string code_;
};

struct ImportRequest {
  std::filesystem::path keystore;
  std::string modulePath = "/usr/lib/softhsm/libsofthsm2.so";
  // Absent: the token labelled "eHealth <SSIN>", created on a free slot when there is none.
  std::optional<std::string> tokenLabel;
  certs::TrustStore trust;
  certs::TimePoint now = std::chrono::system_clock::now();
};

struct ImportResult {
  std::string tokenLabel;
  bool tokenCreated = false;
  certs::Certificate certificate;
  std::size_t chainCertificates = 0;
  std::string expiryState;  // "valid", "expiring"
};

// password opens the .p12; userPin logs in to the token (and becomes its user PIN when the token
// is created here). soPin is needed only to create a token. Throws ImportError.
ImportResult importKeystore(const ImportRequest& request, const Secret& password,
                            const Secret& userPin, const Secret* soPin);

// The token label the import uses by default for a certificate holder's SSIN.
std::string defaultTokenLabel(const std::string& ssin);

}  // namespace ehagent::installer
