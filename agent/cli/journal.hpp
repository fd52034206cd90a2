#pragma once
// Logging under systemd: when stderr is the journal (JOURNAL_STREAM names it, as systemd sets for
// a service), the agent logs to journald directly, each line with its priority, and each audit row
// as an entry with structured fields that journalctl can filter on:
//   EHAGENT_OPERATION, EHAGENT_OUTCOME, EHAGENT_CODE, EHAGENT_PRACTITIONER, EHAGENT_CLIENT.
// An audit row carries no PIN and no key, so neither can reach the journal this way.
#include <memory>

#include <spdlog/logger.h>

#include "agent/store/audit.hpp"

namespace ehagent::agent {

// True when fd 2 is the journal stream systemd connected (JOURNAL_STREAM=<dev>:<inode>).
bool stderrIsJournal();
// The logger serve uses: journald when stderr is the journal, else coloured lines on stderr.
std::shared_ptr<spdlog::logger> makeAgentLogger(bool journal);
// Sends one audit row to journald with its fields (notice for a refusal or failure, info else).
void journalAuditRow(const AuditRow& row);

}  // namespace ehagent::agent
