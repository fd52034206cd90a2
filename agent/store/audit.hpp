#pragma once
// The audit log: append-only SQLite (WAL, synchronous=FULL so a committed row survives a crash).
// Each row stores the SHA-256 of the row before it and its own hash, so `verify` finds the first
// row that was altered, inserted or deleted.
//
// One writer thread owns the connection, so that an fsync never holds an HTTP I/O thread or a
// card: submit() queues a row and returns at once, and its ticket is ready when the row is
// durable. Rows that arrive while a commit is syncing are committed together in the next one
// (group commit). Reads run on the same thread, after every row queued before them. A row queued
// lazily waits a little for another commit to share.
#include <cstdint>
#include <functional>
#include <filesystem>
#include <future>
#include <memory>
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
  std::string outcome;             // "started", then "ok" or "refused" or "failed"
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
  bool newest_first = false;  // the last `limit` rows, newest first (the status page's)
  std::string practitioner;  // exact SSIN
};

struct AuditVerdict {
  bool ok = true;
  std::int64_t rows = 0;
  std::optional<std::int64_t> first_broken_id;
  std::string reason;
};

// A row on its way to the disk: get() returns it once it is committed, or throws AuditError.
using AuditTicket = std::shared_future<AuditRow>;

class AuditLog {
 public:
  explicit AuditLog(const std::filesystem::path& file);
  ~AuditLog();
  AuditLog(const AuditLog&) = delete;
  AuditLog& operator=(const AuditLog&) = delete;

  static std::filesystem::path defaultFile(const std::filesystem::path& state_dir);

  // Queues the row; waits for nothing. Queued `quietly`, the row waits for wake() (or any other
  // row or read), so that its caller can first hand the card its work: the card's thread then
  // starts without waiting behind the writer's.
  AuditTicket submit(const AuditEntry& entry, bool quietly = false);
  void wake();
  // Queues a row nobody waits for; it is committed with the next row or read, or within 20 ms.
  void submitLazily(const AuditEntry& entry);
  // Queues the row and waits until it is durable.
  AuditRow append(const AuditEntry& entry) { return submit(entry).get(); }
  // Called on the writer thread with each row once it is committed (serve sends it to the journal
  // under systemd). Set it before the first row.
  void onAppend(std::function<void(const AuditRow&)> observer);
  std::vector<AuditRow> query(const AuditQuery& query) const;
  AuditVerdict verify() const;

 private:
  class Writer;
  std::unique_ptr<Writer> writer_;
};

// The audit of one signature, in two rows. start() queues the "started" row (who asks, for
// what, the SHA-256 of the bytes signed) just before the key signs, so that its fsync runs while
// the card works; durable() waits for it before the answer leaves. finish() then queues a
// signature's "ok" without waiting for it. An operation that never reached the key gets its one
// outcome row, and a refusal after the started row its outcome, durable before the answer. Safe to share between the handler and the card
// thread: one calls start (the handler, or the card thread when the bytes are built there), the
// card thread durable, the handler finish, one after the other.
class SignatureAudit {
 public:
  SignatureAudit(AuditLog& log, AuditEntry entry) : log_(log), entry_(std::move(entry)) {}
  void start(const std::string& signed_sha256, bool quietly = false);
  void wake() { log_.wake(); }
  void durable() const;  // throws AuditError when the started row could not be written
  // The outcome row repeats the started row's hash, or else the entry's own; `signed_sha256`,
  // when given, names what was issued without a signature here (a cached token).
  void finish(const std::string& outcome, const std::string& problem_code, const std::string& signed_sha256 = "");
  bool started() const noexcept { return ticket_.valid(); }

 private:
  AuditLog& log_;
  AuditEntry entry_;
  AuditTicket ticket_;
};

nlohmann::json auditRowJson(const AuditRow& row);
// The hash that chains rows: lowercase hex SHA-256 over every column but row_sha256, in table
// order (id, time_utc, client, practitioner_ssin, operation, patient_ssin, signed_sha256, outcome,
// problem_code, prev_sha256), each written as "<byte length>:<value>" so no two rows collide by
// shifting. The first row's prev_sha256 is 64 zeros. Anyone with sqlite3 and openssl can check it.
std::string auditRowHash(const AuditRow& row);

}  // namespace ehagent::agent
