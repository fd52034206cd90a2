#pragma once
// Importing an eHealth .p12 into a PKCS#11 token. Every check runs before the first write, and a
// write that fails half-way removes what it created, so a failed import leaves the token as it was.
#include <chrono>
#include <filesystem>
#include <optional>
#include <string>

#include "certs/certificate.hpp"
#include "installer/refusal.hpp"
#include "certs/pkcs12.hpp"
#include "certs/trust_store.hpp"
#include "core/secret.hpp"

namespace ehagent::installer {

// Where `certs import` puts a keystore unless told otherwise, and where `certs remove` looks.
inline constexpr const char* default_keystore_module = "/usr/lib/softhsm/libsofthsm2.so";

// A refusal with a stable code (the certs::Error codes, plus token_not_found, no_free_slot,
// already_imported, token_error).
using ImportError = Refusal;

struct ImportRequest {
  std::filesystem::path keystore;
  std::string modulePath = default_keystore_module;
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

// The keystore opened and checked (key and certificate match, chain to the trust store, not
// expired, an SSIN), before any token is touched or any PIN asked for.
struct CheckedKeystore {
  certs::Pkcs12 p12;
  std::string ssin;
  std::string expiryState;  // "valid", "expiring"
};

// password opens the .p12. Throws ImportError.
CheckedKeystore checkKeystore(const ImportRequest& request, const Secret& password);

// userPin logs in to the token (and becomes its user PIN when the token is created here). soPin
// is needed only to create a token. Throws ImportError.
ImportResult writeKeystore(const ImportRequest& request, const CheckedKeystore& keystore, const Secret& userPin,
                           const Secret* soPin);

// The token label the import uses by default for a certificate holder's SSIN.
std::string defaultTokenLabel(const std::string& ssin);

}  // namespace ehagent::installer
