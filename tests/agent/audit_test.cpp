#include <gtest/gtest.h>

#include <mutex>
#include <set>
#include <thread>

#include <nlohmann/json.hpp>

#include "agent/store/audit.hpp"
#include "test_util.hpp"
#include "tests/support/support.hpp"

using namespace ehagent::agent;
using namespace ehagent::agent::test;

namespace {

AuditEntry entry(const std::string& operation, const std::string& patient = "") {
  return AuditEntry{"emr", "78031215280", operation, patient, "", "ok", ""};
}

}  // namespace

TEST(Audit, RowsChainAndVerify) {
  TempDir dir;
  AuditLog log(AuditLog::defaultFile(dir.path()));
  const AuditRow first = log.append(entry("login"));
  const AuditRow second = log.append(entry("sign", "15062034820"));
  EXPECT_EQ(first.id, 1);
  EXPECT_EQ(second.prev_sha256, first.row_sha256);
  const AuditVerdict verdict = log.verify();
  EXPECT_TRUE(verdict.ok) << verdict.reason;
  EXPECT_EQ(verdict.rows, 2);
}

// The chain checked without the agent's code: the rows as the sqlite3 shell reads them, each hash
// recomputed by openssl from the format documented in audit.hpp.
TEST(Audit, TheChainChecksOutWithSqlite3AndOpenssl) {
  TempDir dir;
  const auto file = AuditLog::defaultFile(dir.path());
  {
    AuditLog log(file);
    log.append(entry("login"));
    log.append(AuditEntry{"emr", "78031215280", "sign", "15062034820", std::string(64, 'a'), "ok", ""});
    log.append(AuditEntry{"other client", "78031215280", "hub.consent.put", "15062034820", "", "refused",
                          "invalid_input"});
  }
  const auto dump = runCommand({"sqlite3", "-json", file.string(), "SELECT * FROM audit ORDER BY id"});
  ASSERT_EQ(dump.exitCode, 0) << dump.err;
  const auto rows = nlohmann::json::parse(dump.out);
  ASSERT_EQ(rows.size(), 3u);
  std::string previous(64, '0');
  for (const auto& row : rows) {
    EXPECT_EQ(row.at("prev_sha256"), previous);
    std::string material;
    for (const char* column : {"id", "time_utc", "client", "practitioner_ssin", "operation", "patient_ssin",
                               "signed_sha256", "outcome", "problem_code", "prev_sha256"}) {
      const auto& value = row.at(column);
      const std::string text = value.is_string() ? value.get<std::string>() : value.dump();
      material += std::to_string(text.size()) + ":" + text;
    }
    const auto digest = runCommand({"openssl", "dgst", "-sha256", "-r"}, material);
    ASSERT_EQ(digest.exitCode, 0) << digest.err;
    EXPECT_EQ(row.at("row_sha256"), digest.out.substr(0, 64)) << "row " << row.at("id");
    previous = row.at("row_sha256").get<std::string>();
  }
}

TEST(Audit, QueryFilters) {
  TempDir dir;
  AuditLog log(AuditLog::defaultFile(dir.path()));
  log.append(entry("login"));
  log.append(entry("sign", "15062034820"));
  log.append(entry("sign", "78031215280"));
  EXPECT_EQ(log.query({"", "sign", "", 100}).size(), 2u);
  EXPECT_EQ(log.query({"", "", "15062034820", 100}).size(), 1u);
  EXPECT_EQ(log.query({"2999-01-01T00:00:00Z", "", "", 100}).size(), 0u);
  EXPECT_EQ(log.query({"2000-01-01T00:00:00Z", "", "", 100}).size(), 3u);
}

TEST(Audit, TheDatabaseRefusesUpdateAndDelete) {
  TempDir dir;
  const auto file = AuditLog::defaultFile(dir.path());
  { AuditLog(file).append(entry("login")); }
  const auto update = runCommand({"sqlite3", file.string(), "UPDATE audit SET outcome='x'"});
  EXPECT_NE(update.exitCode, 0);
  EXPECT_NE(update.err.find("append-only"), std::string::npos) << update.err;
  const auto del = runCommand({"sqlite3", file.string(), "DELETE FROM audit"});
  EXPECT_NE(del.exitCode, 0);
}

TEST(Audit, VerifyNamesTheFirstTamperedRow) {
  TempDir dir;
  const auto file = AuditLog::defaultFile(dir.path());
  {
    AuditLog log(file);
    for (int i = 0; i < 5; ++i) log.append(entry("sign", "15062034820"));
  }
  // Someone with write access drops the trigger and rewrites row 3 behind the agent's back.
  const auto tamper = runCommand(
      {"sqlite3", file.string(),
       "DROP TRIGGER audit_no_update; UPDATE audit SET patient_ssin='78031215280' WHERE id=3"});
  ASSERT_EQ(tamper.exitCode, 0) << tamper.err;
  const AuditVerdict verdict = AuditLog(file).verify();
  EXPECT_FALSE(verdict.ok);
  ASSERT_TRUE(verdict.first_broken_id.has_value());
  EXPECT_EQ(*verdict.first_broken_id, 3);
}

TEST(Audit, VerifyNamesADeletedRow) {
  TempDir dir;
  const auto file = AuditLog::defaultFile(dir.path());
  {
    AuditLog log(file);
    for (int i = 0; i < 4; ++i) log.append(entry("login"));
  }
  const auto tamper = runCommand(
      {"sqlite3", file.string(), "DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE id=2"});
  ASSERT_EQ(tamper.exitCode, 0) << tamper.err;
  const AuditVerdict verdict = AuditLog(file).verify();
  EXPECT_FALSE(verdict.ok);
  ASSERT_TRUE(verdict.first_broken_id.has_value());
  EXPECT_EQ(*verdict.first_broken_id, 3);  // the row after the gap is the first that breaks
}

// Rows queued from many threads at once: each ticket gets its own row, the chain holds, and the
// rows that waited on one commit shared it (fewer commits than rows is what makes it fast, but
// the chain is what matters here).
TEST(Audit, RowsFromManyThreadsFormOneChain) {
  TempDir dir;
  AuditLog log(AuditLog::defaultFile(dir.path()));
  std::vector<std::thread> threads;
  std::mutex mutex;
  std::set<std::int64_t> ids;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 25; ++i) {
        const AuditRow row = log.append(entry("jwt-practitioner"));
        std::lock_guard lock(mutex);
        ids.insert(row.id);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(ids.size(), 200u);
  EXPECT_EQ(*ids.begin(), 1);
  EXPECT_EQ(*ids.rbegin(), 200);
  const AuditVerdict verdict = log.verify();
  EXPECT_TRUE(verdict.ok) << verdict.reason;
  EXPECT_EQ(verdict.rows, 200);
}

// A row that was only queued is already there for the next read, and there for good once the
// log closes.
TEST(Audit, AQueuedRowIsReadByTheNextQueryAndKeptAtClose) {
  TempDir dir;
  const auto file = AuditLog::defaultFile(dir.path());
  {
    AuditLog log(file);
    (void)log.submit(entry("logout"));
    EXPECT_EQ(log.query({"", "logout", "", 10}).size(), 1u);
    (void)log.submit(entry("logout"));
  }
  EXPECT_EQ(AuditLog(file).query({"", "logout", "", 10}).size(), 2u);
}

TEST(Audit, ASignatureHasAStartedRowThenItsOutcome) {
  TempDir dir;
  AuditLog log(AuditLog::defaultFile(dir.path()));
  SignatureAudit signature(log, AuditEntry{"emr", "78031215280", "sign", "", "", "", ""});
  signature.start(std::string(64, 'b'));
  signature.durable();
  EXPECT_EQ(log.query({"", "sign", "", 10}).size(), 1u);  // durable before the outcome is known
  signature.finish("refused", "card_removed");
  const auto rows = log.query({"", "sign", "", 10});
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].entry.outcome, "started");
  EXPECT_EQ(rows[1].entry.outcome, "refused");
  EXPECT_EQ(rows[1].entry.problem_code, "card_removed");
  EXPECT_EQ(rows[1].entry.signed_sha256, std::string(64, 'b'));

  SignatureAudit refused_early(log, AuditEntry{"emr", "", "jwt-practitioner", "", "", "", ""});
  refused_early.finish("refused", "not_logged_in");
  const auto early = log.query({"", "jwt-practitioner", "", 10});
  ASSERT_EQ(early.size(), 1u);
  EXPECT_EQ(early[0].entry.outcome, "refused");
}

// A lazy row with nothing after it still reaches the disk on its own within the linger (20 ms):
// the sqlite3 shell, another connection, sees it without any read through the log.
TEST(Audit, ALazyRowAloneIsCommittedSoon) {
  TempDir dir;
  const auto file = AuditLog::defaultFile(dir.path());
  AuditLog log(file);
  (void)log.query({"", "", "", 1});  // the writer has run and is idle, waiting for work
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  log.submitLazily(entry("jwt-practitioner"));
  std::string count;
  for (int i = 0; i < 50 && count != "1\n"; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    count = runCommand({"sqlite3", file.string(), "SELECT count(*) FROM audit"}).out;
  }
  EXPECT_EQ(count, "1\n");
}
