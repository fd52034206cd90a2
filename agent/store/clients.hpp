#pragma once
// Client application keys. Each client gets a random 32-byte key, shown once as base64url; only
// its SHA-256 is stored (the key has 256 bits of entropy, so a plain hash cannot be brute-forced).
// The file is JSON, mode 0600, replaced atomically. The installer uses this same API.
#include <chrono>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace ehagent::agent {

class ClientError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct ClientInfo {
  std::string name;
  std::string created_utc;  // ISO 8601
};

class ClientStore {
 public:
  // The default file is <state_dir>/clients.json.
  explicit ClientStore(std::filesystem::path file);
  static std::filesystem::path defaultFile(const std::filesystem::path& state_dir);

  // Returns the new key; it is not stored and cannot be shown again. A name is 1-64 characters
  // of [A-Za-z0-9._-]; an existing name is refused (remove it first to rotate).
  std::string add(const std::string& name);
  std::vector<ClientInfo> list() const;
  // False if no such client.
  bool remove(const std::string& name);
  // The client's name, or nothing. Every stored hash is compared in constant time. A key that
  // matches nothing makes the store look at the file again, so keys added while the agent runs
  // work at once; a key that matches is trusted for up to 100 ms after the last look, so that a
  // busy client costs no stat() and no lock per request, and a removed key stops within 0.1 s.
  std::optional<std::string> authenticate(std::string_view bearer_key) const;

 private:
  struct Entry {
    std::string name;
    std::string key_sha256;  // lowercase hex
    std::string created_utc;
  };
  std::vector<Entry> load() const;
  void save(const std::vector<Entry>& entries) const;

  // The file as last read, and when it was last looked at.
  struct Snapshot {
    std::vector<Entry> entries;
    std::filesystem::file_time_type mtime{};
    std::chrono::steady_clock::time_point checked{};
  };
  std::shared_ptr<const Snapshot> refresh() const;

  std::filesystem::path file_;
  mutable std::mutex mutex_;                 // add, remove, list and refresh, one at a time
  mutable std::shared_mutex snapshot_mutex_;  // readers share it; refresh and invalidation take it
  mutable std::shared_ptr<const Snapshot> snapshot_;
};

}  // namespace ehagent::agent
