#pragma once
// Client application keys. Each client gets a random 32-byte key, shown once as base64url; only
// its SHA-256 is stored (the key has 256 bits of entropy, so a plain hash cannot be brute-forced).
// The file is JSON, mode 0600, replaced atomically. The installer uses this same API.
#include <filesystem>
#include <mutex>
#include <optional>
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
  // The client's name, or nothing. Every stored hash is compared in constant time. The file is
  // re-read when it changed, so keys added while the agent runs work at once.
  std::optional<std::string> authenticate(std::string_view bearer_key) const;

 private:
  struct Entry {
    std::string name;
    std::string key_sha256;  // lowercase hex
    std::string created_utc;
  };
  std::vector<Entry> load() const;
  void save(const std::vector<Entry>& entries) const;

  std::filesystem::path file_;
  mutable std::mutex mutex_;
  mutable std::vector<Entry> cache_;
  mutable std::filesystem::file_time_type cache_time_{};
  mutable bool cache_valid_ = false;
};

}  // namespace ehagent::agent
