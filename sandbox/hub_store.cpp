#include "sandbox/hub_store.hpp"

#include <sqlite3.h>

#include <stdexcept>

#include "core/owned.hpp"

namespace ehagent::sandbox {
namespace {

// One prepared statement with positional text/integer binds; throws with SQLite's message.
class Stmt {
 public:
  Stmt(sqlite3* db, const char* sql) : db_(db) {
    sqlite3_stmt* raw = nullptr;
    if (sqlite3_prepare_v2(db, sql, -1, &raw, nullptr) != SQLITE_OK) fail("prepare");
    stmt_.reset(raw);
  }
  Stmt& bind(const std::string& text) {
    if (sqlite3_bind_text(stmt_.get(), ++index_, text.c_str(), static_cast<int>(text.size()),
                          SQLITE_TRANSIENT) != SQLITE_OK) {
      fail("bind");
    }
    return *this;
  }
  Stmt& bind(long long value) {
    if (sqlite3_bind_int64(stmt_.get(), ++index_, value) != SQLITE_OK) fail("bind");
    return *this;
  }
  // True while there is a row.
  bool step() {
    const int rc = sqlite3_step(stmt_.get());
    if (rc == SQLITE_ROW) return true;
    if (rc != SQLITE_DONE) fail("step");
    return false;
  }
  std::string text(int col) const {
    const auto* p = sqlite3_column_text(stmt_.get(), col);
    return p ? reinterpret_cast<const char*>(p) : "";
  }
  long long integer(int col) const { return sqlite3_column_int64(stmt_.get(), col); }

 private:
  [[noreturn]] void fail(const char* what) const {
    throw std::runtime_error(std::string("sandbox hub store: ") + what + ": " + sqlite3_errmsg(db_));
  }
  sqlite3* db_;
  Owned<sqlite3_stmt, sqlite3_finalize> stmt_;
  int index_ = 0;
};

HubParty partyFrom(const Stmt& s, int first) {
  return {s.text(first), s.text(first + 1), s.text(first + 2), s.text(first + 3), s.text(first + 4)};
}

}  // namespace

HubStore::HubStore(const std::filesystem::path& database) {
  if (sqlite3_open(database.c_str(), &db_) != SQLITE_OK) {
    const std::string why = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    throw std::runtime_error("sandbox hub store: cannot open " + database.string() + ": " + why);
  }
  exec("PRAGMA journal_mode=WAL");
  exec(R"(CREATE TABLE IF NOT EXISTS consents (patient TEXT PRIMARY KEY, signdate TEXT, revokedate TEXT,
            by_nihii TEXT, active INTEGER NOT NULL);
          CREATE TABLE IF NOT EXISTS links (id INTEGER PRIMARY KEY, patient TEXT, nihii TEXT, ssin TEXT,
            profession TEXT, firstname TEXT, familyname TEXT, type TEXT, startdate TEXT, enddate TEXT,
            proof TEXT, revoked INTEGER NOT NULL DEFAULT 0);
          CREATE TABLE IF NOT EXISTS transactions (id INTEGER PRIMARY KEY, patient TEXT, nihii TEXT,
            ssin TEXT, profession TEXT, firstname TEXT, familyname TEXT, kmehr TEXT, date TEXT, time TEXT);
          CREATE TABLE IF NOT EXISTS accesses (id INTEGER PRIMARY KEY, patient TEXT, transaction_id INTEGER,
            nihii TEXT, ssin TEXT, profession TEXT, firstname TEXT, familyname TEXT, at TEXT,
            breaktheglass INTEGER))");
}

HubStore::~HubStore() { sqlite3_close(db_); }

void HubStore::exec(const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    const std::string why = err ? err : "unknown";
    sqlite3_free(err);
    throw std::runtime_error("sandbox hub store: " + why);
  }
}

void HubStore::putConsent(const std::string& patient, const std::string& signDate, const HubParty& by) {
  Stmt(db_, "INSERT OR REPLACE INTO consents (patient, signdate, revokedate, by_nihii, active) VALUES (?, ?, NULL, ?, 1)")
      .bind(patient).bind(signDate).bind(by.nihii).step();
}

bool HubStore::revokeConsent(const std::string& patient, const std::string& revokeDate) {
  if (!hasActiveConsent(patient)) return false;
  Stmt(db_, "UPDATE consents SET active = 0, revokedate = ? WHERE patient = ?").bind(revokeDate).bind(patient).step();
  return true;
}

bool HubStore::hasActiveConsent(const std::string& patient) {
  Stmt s(db_, "SELECT 1 FROM consents WHERE patient = ? AND active = 1");
  return s.bind(patient).step();
}

void HubStore::putLink(const std::string& patient, const HubParty& p, const std::string& type,
                       const std::string& start, const std::string& end, const std::string& proof) {
  Stmt(db_, "INSERT INTO links (patient, nihii, ssin, profession, firstname, familyname, type, startdate, enddate, proof)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
      .bind(patient).bind(p.nihii).bind(p.ssin).bind(p.profession).bind(p.firstName).bind(p.familyName)
      .bind(type).bind(start).bind(end).bind(proof).step();
}

bool HubStore::revokeLink(const std::string& patient, const std::string& nihii) {
  Stmt s(db_, "UPDATE links SET revoked = 1 WHERE patient = ? AND nihii = ? AND revoked = 0");
  s.bind(patient).bind(nihii).step();
  return sqlite3_changes(db_) > 0;
}

bool HubStore::hasActiveLink(const std::string& patient, const std::string& nihii, const std::string& today) {
  Stmt s(db_, "SELECT 1 FROM links WHERE patient = ? AND nihii = ? AND revoked = 0 AND startdate <= ? AND enddate >= ?");
  return s.bind(patient).bind(nihii).bind(today).bind(today).step();
}

long long HubStore::putTransaction(const std::string& patient, const HubParty& a, const std::string& kmehr,
                                   const std::string& date, const std::string& time) {
  Stmt(db_, "INSERT INTO transactions (patient, nihii, ssin, profession, firstname, familyname, kmehr, date, time)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
      .bind(patient).bind(a.nihii).bind(a.ssin).bind(a.profession).bind(a.firstName).bind(a.familyName)
      .bind(kmehr).bind(date).bind(time).step();
  return sqlite3_last_insert_rowid(db_);
}

std::vector<StoredTransaction> HubStore::transactions(const std::string& patient) {
  Stmt s(db_, "SELECT id, patient, nihii, ssin, profession, firstname, familyname, date, time FROM transactions"
              " WHERE patient = ? ORDER BY id");
  s.bind(patient);
  std::vector<StoredTransaction> out;
  while (s.step()) out.push_back({s.integer(0), s.text(1), partyFrom(s, 2), s.text(7), s.text(8)});
  return out;
}

void HubStore::recordAccess(const Access& a) {
  Stmt(db_, "INSERT INTO accesses (patient, transaction_id, nihii, ssin, profession, firstname, familyname, at,"
            " breaktheglass) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
      .bind(a.patient).bind(a.transactionId).bind(a.by.nihii).bind(a.by.ssin).bind(a.by.profession)
      .bind(a.by.firstName).bind(a.by.familyName).bind(a.when).bind(a.breakTheGlass ? 1LL : 0LL).step();
}

std::vector<Access> HubStore::accesses(const std::string& patient) {
  Stmt s(db_, "SELECT patient, transaction_id, nihii, ssin, profession, firstname, familyname, at, breaktheglass"
              " FROM accesses WHERE patient = ? ORDER BY id");
  s.bind(patient);
  std::vector<Access> out;
  while (s.step()) out.push_back({s.text(0), s.integer(1), partyFrom(s, 2), s.text(7), s.integer(8) != 0});
  return out;
}

}  // namespace ehagent::sandbox
