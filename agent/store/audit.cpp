#include "agent/store/audit.hpp"

#include <sqlite3.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "core/bytes.hpp"
#include "core/digest.hpp"
#include "core/random.hpp"
#include "core/time.hpp"
#include "core/base64.hpp"
#include "agent/config/paths.hpp"

namespace ehagent::agent {
namespace {

// How long a lazy row waits for a commit to ride on before it gets one of its own.
constexpr std::chrono::milliseconds kLinger{20};

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

// The thread that owns the connection: it takes whatever is queued, commits the rows among it in
// one transaction per run of rows, and runs each read where it stands in the queue.
class AuditLog::Writer {
 public:
  explicit Writer(const std::filesystem::path& file) {
    sqlite3* raw = nullptr;
    const int rc = sqlite3_open_v2(file.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
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
    last_ = prepare(db_.get(), "SELECT id, row_sha256 FROM audit ORDER BY id DESC LIMIT 1");
    insert_ = prepare(db_.get(), "INSERT INTO audit VALUES (?,?,?,?,?,?,?,?,?,?,?)");
    thread_ = std::thread([this] { loop(); });
  }

  ~Writer() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_one();
    thread_.join();  // after every queued row is written
  }

  AuditTicket submit(const AuditEntry& entry, bool lazy, bool quietly = false) {
    Item item{entry, {}, {}, lazy};
    AuditTicket ticket = item.row.get_future().share();
    push(std::move(item), !quietly);
    return ticket;
  }

  void wake() { wake_.notify_one(); }

  // Runs `read` on the writer thread, after every row queued before it, and returns its result.
  template <class T>
  T run(std::function<T(sqlite3*)> read) {
    auto task = std::make_shared<std::packaged_task<T()>>([this, read = std::move(read)] { return read(db_.get()); });
    std::future<T> result = task->get_future();
    push(Item{std::nullopt, {}, [task] { (*task)(); }, false});
    return result.get();
  }

  std::function<void(const AuditRow&)> observer;

 private:
  struct Item {
    std::optional<AuditEntry> entry;  // a row to append, or else
    std::promise<AuditRow> row;
    std::function<void()> read;       // a read to run in its turn
    bool lazy = false;                // may wait for the next commit
  };

  void push(Item item, bool notify = true) {
    bool wake = notify;
    {
      std::lock_guard lock(mutex_);
      if (item.lazy) {
        // A lazy row wakes only an idle writer, to start the linger clock: right after a commit the
        // writer waits on a timer for it (see take), so a signature's outcome costs no wake-up.
        wake = queue_.empty() && idle_;
        if (queue_.empty()) lazy_since_ = std::chrono::steady_clock::now();
      } else {
        ++urgent_;
      }
      queue_.push_back(std::move(item));
    }
    if (wake) wake_.notify_one();
  }

  // Waits for work: a row someone waits for, a read, or lazy rows that have lingered long enough.
  // Lazy rows (a signature's outcome) thus ride on the next commit, so that a client asking for
  // one signature after another pays one fsync per signature, not two.
  std::deque<Item> take() {
    std::unique_lock lock(mutex_);
    while (!stopping_ && urgent_ == 0) {
      if (!queue_.empty()) {
        if (wake_.wait_until(lock, lazy_since_ + kLinger) == std::cv_status::timeout) break;
      } else if (std::chrono::steady_clock::now() < expect_until_) {
        wake_.wait_until(lock, expect_until_);  // the outcome of what was just committed
      } else {
        idle_ = true;
        wake_.wait(lock);
        idle_ = false;
      }
    }
    if (urgent_ > 0) expect_until_ = std::chrono::steady_clock::now() + kLinger;
    std::deque<Item> batch;
    batch.swap(queue_);
    urgent_ = 0;
    return batch;
  }

  void loop() {
    for (;;) {
      std::deque<Item> batch = take();
      if (batch.empty()) return;  // stopping, and everything written
      while (!batch.empty()) {
        if (!batch.front().entry) {
          batch.front().read();
          batch.pop_front();
          continue;
        }
        std::vector<Item> rows;
        while (!batch.empty() && batch.front().entry) {
          rows.push_back(std::move(batch.front()));
          batch.pop_front();
        }
        commit(rows);
      }
    }
  }

  void commit(std::vector<Item>& items) {
    std::vector<AuditRow> rows;
    try {
      sqlite3* db = db_.get();
      Transaction transaction(db);
      AuditRow previous;
      previous.row_sha256 = kGenesis;
      const int rc = sqlite3_step(last_.get());
      if (rc == SQLITE_ROW) {
        previous.id = sqlite3_column_int64(last_.get(), 0);
        previous.row_sha256 = columnText(last_.get(), 1);
      }
      sqlite3_reset(last_.get());
      if (rc != SQLITE_ROW && rc != SQLITE_DONE) throw AuditError(std::string("audit log: ") + sqlite3_errmsg(db));
      const std::string now = formatDateTime(Clock::now());
      for (const Item& item : items) {
        AuditRow row;
        row.entry = *item.entry;
        row.time_utc = now;
        row.id = previous.id + 1;
        row.prev_sha256 = previous.row_sha256;
        row.row_sha256 = auditRowHash(row);
        insert(row);
        previous = row;
        rows.push_back(std::move(row));
      }
      transaction.commit();
    } catch (...) {
      for (Item& item : items) item.row.set_exception(std::current_exception());
      return;
    }
    for (std::size_t i = 0; i < items.size(); ++i) {
      items[i].row.set_value(rows[i]);
      if (observer) observer(rows[i]);
    }
  }

  void insert(const AuditRow& row) {
    sqlite3* db = db_.get();
    sqlite3_stmt* s = insert_.get();
    sqlite3_reset(s);
    if (sqlite3_bind_int64(s, 1, row.id) != SQLITE_OK) {
      throw AuditError(std::string("audit log: cannot bind: ") + sqlite3_errmsg(db));
    }
    const AuditEntry& e = row.entry;
    const std::string* fields[] = {&row.time_utc,  &e.client,  &e.practitioner_ssin, &e.operation,       &e.patient_ssin,
                                   &e.signed_sha256, &e.outcome, &e.problem_code,      &row.prev_sha256, &row.row_sha256};
    for (int i = 0; i < 10; ++i) bindText(db, s, i + 2, *fields[i]);
    const int rc = sqlite3_step(s);
    sqlite3_reset(s);
    if (rc != SQLITE_DONE) throw AuditError(std::string("audit log: cannot append: ") + sqlite3_errmsg(db));
  }

  struct Closer {
    void operator()(sqlite3* db) const noexcept { sqlite3_close_v2(db); }
  };
  std::unique_ptr<sqlite3, Closer> db_;
  Statement last_;    // finalized before db_ closes: declared after it
  Statement insert_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Item> queue_;
  std::size_t urgent_ = 0;  // queued items that are not lazy rows
  std::chrono::steady_clock::time_point lazy_since_;
  std::chrono::steady_clock::time_point expect_until_;  // a lazy row is likely until then
  bool idle_ = false;  // waiting without a timer: a lazy row must wake it
  bool stopping_ = false;
  std::thread thread_;
};

std::filesystem::path AuditLog::defaultFile(const std::filesystem::path& state_dir) {
  return state_dir / "audit.sqlite";
}

AuditLog::AuditLog(const std::filesystem::path& file) {
  if (file.has_parent_path()) ensurePrivateDirectory(file.parent_path());
  writer_ = std::make_unique<Writer>(file);
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

AuditTicket AuditLog::submit(const AuditEntry& entry, bool quietly) { return writer_->submit(entry, false, quietly); }

void AuditLog::wake() { writer_->wake(); }

void AuditLog::submitLazily(const AuditEntry& entry) { (void)writer_->submit(entry, true); }

void AuditLog::onAppend(std::function<void(const AuditRow&)> observer) {
  // On the writer thread, in the queue's order: no row is being committed while it changes.
  writer_->run<int>([this, observer = std::move(observer)](sqlite3*) mutable {
    writer_->observer = std::move(observer);
    return 0;
  });
}

std::vector<AuditRow> AuditLog::query(const AuditQuery& q) const {
  return writer_->run<std::vector<AuditRow>>([&q](sqlite3* db) {
    const std::string sql = std::string("SELECT ") + kColumns +
                            " FROM audit WHERE (?1 = '' OR time_utc >= ?1) AND"
                            " (?2 = '' OR operation = ?2) AND (?3 = '' OR patient_ssin = ?3) AND"
                            " (?5 = '' OR practitioner_ssin = ?5)" +
                            (q.newest_first ? " ORDER BY id DESC LIMIT ?4" : " ORDER BY id LIMIT ?4");
    Statement s = prepare(db, sql.c_str());
    bindText(db, s.get(), 1, q.since);
    bindText(db, s.get(), 2, q.operation);
    bindText(db, s.get(), 3, q.patient);
    sqlite3_bind_int64(s.get(), 4, static_cast<sqlite3_int64>(q.limit));
    bindText(db, s.get(), 5, q.practitioner);
    std::vector<AuditRow> rows;
    int rc;
    while ((rc = sqlite3_step(s.get())) == SQLITE_ROW) rows.push_back(readRow(s.get()));
    if (rc != SQLITE_DONE) throw AuditError(std::string("audit log: ") + sqlite3_errmsg(db));
    return rows;
  });
}

AuditVerdict AuditLog::verify() const {
  return writer_->run<AuditVerdict>([](sqlite3* db) {
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
  });
}

void SignatureAudit::start(const std::string& signed_sha256, bool quietly) {
  entry_.signed_sha256 = signed_sha256;
  AuditEntry started = entry_;
  started.outcome = "started";
  ticket_ = log_.submit(started, quietly);
}

void SignatureAudit::durable() const {
  if (ticket_.valid()) (void)ticket_.get();
}

void SignatureAudit::finish(const std::string& outcome, const std::string& problem_code,
                            const std::string& signed_sha256) {
  AuditEntry done = entry_;
  done.outcome = outcome;
  done.problem_code = problem_code;
  // Only a signature that was made may leave before its outcome is durable: an operation that
  // never reached the key, or was refused after its started row (queue full, login ended, card
  // pulled before the job ran), gets its outcome written at once.
  if (!ticket_.valid() || outcome != "ok") {
    if (!ticket_.valid() && !signed_sha256.empty()) done.signed_sha256 = signed_sha256;
    log_.append(done);
    return;
  }
  log_.submitLazily(done);
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
