#include "agent/cli/journal.hpp"

#include <sys/stat.h>
#include <syslog.h>
#include <systemd/sd-journal.h>

#include <cstdlib>
#include <string>

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/sinks/systemd_sink.h>

namespace ehagent::agent {

bool stderrIsJournal() {
  const char* stream = std::getenv("JOURNAL_STREAM");
  if (stream == nullptr) return false;
  struct stat st {};
  if (::fstat(2, &st) != 0) return false;
  return std::string(stream) == std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino);
}

std::shared_ptr<spdlog::logger> makeAgentLogger(bool journal) {
  if (journal) {
    // The journal stamps time and priority itself; the message is all it needs.
    auto sink = std::make_shared<spdlog::sinks::systemd_sink_mt>("ehagent");
    return std::make_shared<spdlog::logger>("ehagent", std::move(sink));
  }
  auto logger = spdlog::stderr_color_mt("ehagent");
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
  return logger;
}

void journalAuditRow(const AuditRow& row) {
  const AuditEntry& e = row.entry;
  std::string message = "audit " + std::to_string(row.id) + ": " + e.operation + " " + e.outcome;
  if (!e.problem_code.empty()) message += " (" + e.problem_code + ")";
  if (!e.client.empty()) message += " for " + e.client;
  const int priority = e.outcome == "ok" ? LOG_INFO : LOG_NOTICE;
  // Empty fields are left out rather than sent empty: journalctl EHAGENT_CODE= then means none.
  std::string fields[] = {"MESSAGE=" + message,
                          "PRIORITY=" + std::to_string(priority),
                          "SYSLOG_IDENTIFIER=ehagent",
                          "EHAGENT_AUDIT_ID=" + std::to_string(row.id),
                          "EHAGENT_OPERATION=" + e.operation,
                          "EHAGENT_OUTCOME=" + e.outcome,
                          e.problem_code.empty() ? "" : "EHAGENT_CODE=" + e.problem_code,
                          e.practitioner_ssin.empty() ? "" : "EHAGENT_PRACTITIONER=" + e.practitioner_ssin,
                          e.client.empty() ? "" : "EHAGENT_CLIENT=" + e.client};
  iovec vectors[std::size(fields)];
  int count = 0;
  for (auto& field : fields) {
    if (field.empty()) continue;
    vectors[count++] = iovec{field.data(), field.size()};
  }
  ::sd_journal_sendv(vectors, count);
}

}  // namespace ehagent::agent
