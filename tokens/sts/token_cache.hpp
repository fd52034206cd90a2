#pragma once
// The SAML token cache: one token per (practitioner SSIN, profession). Renews a token in the
// background once less than half of its life is left (Renew first, a fresh Issue when that
// fails), drops a practitioner's tokens on card removal or logout, and survives a restart only
// when a persistence file is configured, then encrypted with AES-256-GCM under a key kept in a
// 0600 file. Nothing is persisted by default.
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "certs/certificate.hpp"
#include "tokens/sts/assertion.hpp"
#include "tokens/sts/client.hpp"

namespace ehagent::tokens {

// How the cache gets a token for one key. Supplied by the session, which knows the card.
struct TokenSource {
  std::function<SamlToken()> issue;                  // a fresh Issue (may need the eID PIN)
  std::function<SamlToken(const SamlToken&)> renew;  // Renew with the eHealth key
};

struct TokenCacheOptions {
  Clock clock;                                   // default: the system clock
  bool background = true;                        // run renewal on a thread of its own
  std::chrono::milliseconds check_period{1000};  // how often the thread looks
  std::filesystem::path persist_file;            // empty: memory only
  std::filesystem::path key_file;                // AES key; default: persist_file + ".key"
  std::vector<certs::Certificate> sts_trust;     // re-verifies tokens read back from disk
};

class TokenCache {
 public:
  explicit TokenCache(TokenCacheOptions options);
  ~TokenCache();
  TokenCache(const TokenCache&) = delete;
  TokenCache& operator=(const TokenCache&) = delete;

  // The cached token while it is valid.
  [[nodiscard]] std::optional<SamlToken> get(const std::string& ssin, const std::string& profession) const;
  // The cached token, or a fresh one from source.issue (cached, with the source kept for renewal).
  SamlToken obtain(const std::string& ssin, const std::string& profession, const TokenSource& source);
  // Caches a token obtained elsewhere; `source` (optional) enables its renewal.
  void put(const std::string& ssin, const std::string& profession, SamlToken token,
           std::optional<TokenSource> source = std::nullopt);
  // Card removed or logout: every token of this practitioner goes, on disk too.
  void drop(const std::string& ssin);
  void clear();

  // One renewal pass over every token past half its life; the background thread calls this.
  void renewDue();

  // The error of the last failed renewal of a key, for status reports; empty when none.
  [[nodiscard]] std::string lastRenewalError(const std::string& ssin, const std::string& profession) const;

 private:
  struct Entry {
    SamlToken token;
    std::optional<TokenSource> source;
    std::string last_error;
  };
  using Key = std::pair<std::string, std::string>;

  void persistLocked() const;
  void load();
  void loop();

  TokenCacheOptions options_;
  mutable std::mutex mutex_;
  std::map<Key, Entry> entries_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread worker_;
};

}  // namespace ehagent::tokens
