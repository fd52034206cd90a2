#pragma once
// The soak's audit check. Each request to an audited route expects one row, keyed by operation
// and outcome as the client saw it ("sign|" for a success, "sign|card_removed" for that problem,
// "hub.consent.put|NO_CONSENT" for an incomplete hub acknowledgement). The agent also writes rows
// no request asked for: a session that a card pull ends ("logout|card_removed") and a login that
// fails after the PINs ("logout|login_failed"); those are counted apart and bounded.
#include <map>
#include <string>
#include <vector>

#include "tests/soak/soak_client.hpp"

namespace ehagent::soak {

using Tally = std::map<std::string, long>;

std::string auditKey(const std::string& operation, const std::string& code);

// The key of the row a request's answer should have left: the problem's code, the first error
// of an incomplete hub acknowledgement, or none for a success.
std::string answerCode(const Answer& answer);

struct AuditRead {
  bool ok = false;  // false: the rows could not be read; `error` says why
  std::string error;
  long last_id = 0;
  long rows = 0;
  Tally requests;       // rows from requests, by key
  Tally session_ends;   // the logouts no request asked for, by key
};

// Every row after `after_id`, read through GET /v1/audit page by page.
AuditRead readAudit(Client& client, long after_id);

// What is wrong with the rows against the expected ones, one line each; empty when they match.
// `pulls` bounds the card_removed logouts; the refused logins bound the login_failed ones.
std::vector<std::string> compareAudit(const AuditRead& read, const Tally& expected, long pulls);

}  // namespace ehagent::soak
