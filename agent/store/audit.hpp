#pragma once
// The audit log: append-only SQLite (WAL, synchronous=FULL so a committed row survives a crash).
// Each row stores the SHA-256 of the row before it and its own hash, so `verify` finds the first
// row that was altered, inserted or deleted.
#include <cstdint>
#include <functional>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

struct sqlite3;

namespace ehagent::agent {

class AuditError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct AuditEntry {
  std::string client;              // client name, or "" for the agent itself
  std::string practitioner_ssin;   // "" when nobody is logged in
  std::string operation;           // "login", "logout", "token.saml", "sign", "hub.consent", ...
  std::string patient_ssin;        // "" when there is none
  std::string signed_sha256;       // hex SHA-256 of the signed bytes, "" when nothing was signed
  std::string outcome;             // "ok" or "refused" or "failed"
  std::string problem_code;        // "" when ok
};

struct AuditRow {
  std::int64_t id = 0;
  std::string time_utc;
  AuditEntry entry;
  std::string prev_sha256;
  std::string row_sha256;
};

struct AuditQuery {
  std::string since;      // ISO 8601 UTC; rows at or after it
  std::string operation;  // exact match
  std::string patient;    // exact SSIN
  std::size_t limit = 1000;
};

struct AuditVerdict {
  bool ok = true;
  std::int64_t rows = 0;
  std::optional<std::int64_t> first_broken_id;
  std::string reason;
};

class AuditLog {
 public:
  explicit AuditLog(const std::filesystem::path& file);
  ~AuditLog();
  AuditLog(const AuditLog&) = delete;
  AuditLog& operator=(const AuditLog&) = delete;

  static std::filesystem::path defaultFile(const std::filesystem::path& state_dir);

  AuditRow append(const AuditEntry& entry);
  // Called with each row once it is committed (serve sends it to the journal under systemd).
  void onAppend(std::function<void(const AuditRow&)> observer);
  std::vector<AuditRow> query(const AuditQuery& query) const;
  AuditVerdict verify() const;

 private:
  struct Closer {
    void operator()(sqlite3* db) const noexcept;
  };
  std::unique_ptr<sqlite3, Closer> db_;
  mutable std::mutex mutex_;
  std::function<void(const AuditRow&)> observer_;
};

nlohmann::json auditRowJson(const AuditRow& row);
// The hash that chains rows: lowercase hex SHA-256 over every column but row_sha256, in table
// order (id, time_utc, client, practitioner_ssin, operation, patient_ssin, signed_sha256, outcome,
// problem_code, prev_sha256), each written as "<byte length>:<value>" so no two rows collide by
// shifting. The first row's prev_sha256 is 64 zeros. Anyone with sqlite3 and openssl can check it.
std::string auditRowHash(const AuditRow& row);

}  // namespace ehagent::agent
