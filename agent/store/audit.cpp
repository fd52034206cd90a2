#include "agent/store/audit.hpp"

#include <sqlite3.h>

#include "core/bytes.hpp"
#include "core/digest.hpp"
#include "core/random.hpp"
#include "core/time.hpp"
#include "core/base64.hpp"
#include "agent/config/paths.hpp"

namespace ehagent::agent {
namespace {

constexpr const char* kGenesis = "0000000000000000000000000000000000000000000000000000000000000000";

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS audit (
  id INTEGER PRIMARY KEY,
  time_utc TEXT NOT NULL,
  client TEXT NOT NULL,
  practitioner_ssin TEXT NOT NULL,
  operation TEXT NOT NULL,
  patient_ssin TEXT NOT NULL,
  signed_sha256 TEXT NOT NULL,
  outcome TEXT NOT NULL,
  problem_code TEXT NOT NULL,
  prev_sha256 TEXT NOT NULL,
  row_sha256 TEXT NOT NULL
);
CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit
  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit
  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
)sql";

struct StatementFinalizer {
  void operator()(sqlite3_stmt* s) const noexcept { sqlite3_finalize(s); }
};
using Statement = std::unique_ptr<sqlite3_stmt, StatementFinalizer>;

Statement prepare(sqlite3* db, const char* sql) {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db, sql, -1, &raw, nullptr) != SQLITE_OK) {
    throw AuditError(std::string("audit log: cannot prepare statement: ") + sqlite3_errmsg(db));
  }
  return Statement(raw);
}

void exec(sqlite3* db, const char* sql) {
  char* message = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &message) != SQLITE_OK) {
    std::string text = message != nullptr ? message : sqlite3_errmsg(db);
    sqlite3_free(message);
    throw AuditError("audit log: " + text);
  }
}

void bindText(sqlite3* db, sqlite3_stmt* s, int index, const std::string& value) {
  if (sqlite3_bind_text(s, index, value.c_str(), static_cast<int>(value.size()),
                        SQLITE_TRANSIENT) != SQLITE_OK) {
    throw AuditError(std::string("audit log: cannot bind: ") + sqlite3_errmsg(db));
  }
}

std::string columnText(sqlite3_stmt* s, int column) {
  const auto* text = sqlite3_column_text(s, column);
  return text != nullptr ? reinterpret_cast<const char*>(text) : "";
}

constexpr const char* kColumns =
    "id, time_utc, client, practitioner_ssin, operation, patient_ssin, signed_sha256, outcome, "
    "problem_code, prev_sha256, row_sha256";

AuditRow readRow(sqlite3_stmt* s) {
  AuditRow row;
  row.id = sqlite3_column_int64(s, 0);
  row.time_utc = columnText(s, 1);
  row.entry = AuditEntry{columnText(s, 2), columnText(s, 3), columnText(s, 4), columnText(s, 5),
                         columnText(s, 6), columnText(s, 7), columnText(s, 8)};
  row.prev_sha256 = columnText(s, 9);
  row.row_sha256 = columnText(s, 10);
  return row;
}

// Rolls back unless committed, so an exception never leaves a transaction open.
class Transaction {
 public:
  explicit Transaction(sqlite3* db) : db_(db) { exec(db_, "BEGIN IMMEDIATE"); }
  ~Transaction() {
    if (!done_) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }
  void commit() {
    exec(db_, "COMMIT");
    done_ = true;
  }

 private:
  sqlite3* db_;
  bool done_ = false;
};

}  // namespace

void AuditLog::Closer::operator()(sqlite3* db) const noexcept { sqlite3_close_v2(db); }

std::filesystem::path AuditLog::defaultFile(const std::filesystem::path& state_dir) {
  return state_dir / "audit.sqlite";
}

AuditLog::AuditLog(const std::filesystem::path& file) {
  if (file.has_parent_path()) ensurePrivateDirectory(file.parent_path());
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(file.c_str(), &raw,
                                 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                                 nullptr);
  db_.reset(raw);  // adopted: sqlite3_open_v2 hands back a handle even on failure
  if (rc != SQLITE_OK) {
    throw AuditError("cannot open audit log " + file.string() + ": " +
                     (raw != nullptr ? sqlite3_errmsg(raw) : "out of memory"));
  }
  sqlite3_busy_timeout(db_.get(), 10000);
  exec(db_.get(), "PRAGMA journal_mode=WAL");
  exec(db_.get(), "PRAGMA synchronous=FULL");
  exec(db_.get(), kSchema);
}

AuditLog::~AuditLog() = default;

std::string auditRowHash(const AuditRow& row) {
  std::string material;
  const auto add = [&](const std::string& field) {
    material += std::to_string(field.size());
    material += ':';
    material += field;
  };
  add(std::to_string(row.id));
  add(row.time_utc);
  add(row.entry.client);
  add(row.entry.practitioner_ssin);
  add(row.entry.operation);
  add(row.entry.patient_ssin);
  add(row.entry.signed_sha256);
  add(row.entry.outcome);
  add(row.entry.problem_code);
  add(row.prev_sha256);
  return sha256Hex(material);
}

AuditRow AuditLog::append(const AuditEntry& entry) {
  std::lock_guard lock(mutex_);
  sqlite3* db = db_.get();
  Transaction transaction(db);
  AuditRow row;
  row.entry = entry;
  row.time_utc = formatDateTime(Clock::now());
  row.id = 1;
  row.prev_sha256 = kGenesis;
  {
    Statement last = prepare(db, "SELECT id, row_sha256 FROM audit ORDER BY id DESC LIMIT 1");
    const int rc = sqlite3_step(last.get());
    if (rc == SQLITE_ROW) {
      row.id = sqlite3_column_int64(last.get(), 0) + 1;
      row.prev_sha256 = columnText(last.get(), 1);
    } else if (rc != SQLITE_DONE) {
      throw AuditError(std::string("audit log: ") + sqlite3_errmsg(db));
    }
  }
  row.row_sha256 = auditRowHash(row);
  Statement insert = prepare(db, "INSERT INTO audit VALUES (?,?,?,?,?,?,?,?,?,?,?)");
  if (sqlite3_bind_int64(insert.get(), 1, row.id) != SQLITE_OK) {
    throw AuditError(std::string("audit log: cannot bind: ") + sqlite3_errmsg(db));
  }
  const std::string* fields[] = {&row.time_utc,          &entry.client,        &entry.practitioner_ssin,
                                 &entry.operation,       &entry.patient_ssin,  &entry.signed_sha256,
                                 &entry.outcome,         &entry.problem_code,  &row.prev_sha256,
                                 &row.row_sha256};
  for (int i = 0; i < 10; ++i) bindText(db, insert.get(), i + 2, *fields[i]);
  if (sqlite3_step(insert.get()) != SQLITE_DONE) {
    throw AuditError(std::string("audit log: cannot append: ") + sqlite3_errmsg(db));
  }
  transaction.commit();
  if (observer_) observer_(row);
  return row;
}

void AuditLog::onAppend(std::function<void(const AuditRow&)> observer) {
  std::lock_guard lock(mutex_);
  observer_ = std::move(observer);
}

std::vector<AuditRow> AuditLog::query(const AuditQuery& q) const {
  std::lock_guard lock(mutex_);
  sqlite3* db = db_.get();
  const std::string sql = std::string("SELECT ") + kColumns +
                          " FROM audit WHERE (?1 = '' OR time_utc >= ?1) AND"
                          " (?2 = '' OR operation = ?2) AND (?3 = '' OR patient_ssin = ?3)"
                          " ORDER BY id LIMIT ?4";
  Statement s = prepare(db, sql.c_str());
  bindText(db, s.get(), 1, q.since);
  bindText(db, s.get(), 2, q.operation);
  bindText(db, s.get(), 3, q.patient);
  sqlite3_bind_int64(s.get(), 4, static_cast<sqlite3_int64>(q.limit));
  std::vector<AuditRow> rows;
  int rc;
  while ((rc = sqlite3_step(s.get())) == SQLITE_ROW) rows.push_back(readRow(s.get()));
  if (rc != SQLITE_DONE) throw AuditError(std::string("audit log: ") + sqlite3_errmsg(db));
  return rows;
}

AuditVerdict AuditLog::verify() const {
  std::lock_guard lock(mutex_);
  sqlite3* db = db_.get();
  Statement s = prepare(db, (std::string("SELECT ") + kColumns + " FROM audit ORDER BY id").c_str());
  AuditVerdict verdict;
  std::string previous = kGenesis;
  std::int64_t expected_id = 1;
  int rc;
  while ((rc = sqlite3_step(s.get())) == SQLITE_ROW) {
    const AuditRow row = readRow(s.get());
    ++verdict.rows;
    std::string reason;
    if (row.id != expected_id) {
      reason = "row " + std::to_string(expected_id) + " is missing";
    } else if (row.prev_sha256 != previous) {
      reason = "its previous-row hash does not match the row before it";
    } else if (auditRowHash(row) != row.row_sha256) {
      reason = "its content does not match its hash";
    }
    if (!reason.empty()) {
      verdict.ok = false;
      verdict.first_broken_id = row.id;
      verdict.reason = reason;
      return verdict;
    }
    previous = row.row_sha256;
    ++expected_id;
  }
  if (rc != SQLITE_DONE) throw AuditError(std::string("audit log: ") + sqlite3_errmsg(db));
  return verdict;
}

nlohmann::json auditRowJson(const AuditRow& row) {
  const auto orNull = [](const std::string& s) -> nlohmann::json {
    return s.empty() ? nlohmann::json(nullptr) : nlohmann::json(s);
  };
  return {{"id", row.id},
          {"time", row.time_utc},
          {"client", orNull(row.entry.client)},
          {"practitioner_ssin", orNull(row.entry.practitioner_ssin)},
          {"operation", row.entry.operation},
          {"patient_ssin", orNull(row.entry.patient_ssin)},
          {"signed_sha256", orNull(row.entry.signed_sha256)},
          {"outcome", row.entry.outcome},
          {"problem_code", orNull(row.entry.problem_code)},
          {"prev_sha256", row.prev_sha256},
          {"row_sha256", row.row_sha256}};
}

}  // namespace ehagent::agent
