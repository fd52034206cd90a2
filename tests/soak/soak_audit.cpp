#include "tests/soak/soak_audit.hpp"

#include <set>

namespace ehagent::soak {
namespace {

// The API serves at most this many rows a page.
constexpr long kPage = 99999;

std::string text(const nlohmann::json& value) { return value.is_string() ? value.get<std::string>() : ""; }

}  // namespace

std::string auditKey(const std::string& operation, const std::string& code) { return operation + "|" + code; }

std::string answerCode(const Answer& answer) {
  const auto doc = answer.json();
  if (answer.status >= 300) return doc.is_object() ? text(doc.value("code", nlohmann::json())) : "";
  if (!doc.is_object() || !doc.contains("acknowledge")) return "";
  const auto& ack = doc["acknowledge"];
  if (ack.value("iscomplete", false)) return "";
  const auto& errors = ack.value("errors", nlohmann::json::array());
  return errors.empty() ? "hub_incomplete" : text(errors[0].value("code", nlohmann::json()));
}

AuditRead readAudit(Client& client, long after_id) {
  AuditRead read;
  read.last_id = after_id;
  std::string since;
  for (;;) {
    // Pages follow the row time; rows of the same second come again and are skipped by id.
    const Answer answer = client.call(http::verb::get, "/v1/audit?limit=" + std::to_string(kPage) +
                                                           (since.empty() ? "" : "&since=" + since));
    const auto doc = answer.json();
    if (answer.status != 200 || !doc.is_object() || !doc.contains("rows") || !doc["rows"].is_array()) {
      read.error = "GET /v1/audit answered " + std::to_string(answer.status) + ": " + answer.body.substr(0, 200);
      return read;
    }
    const auto& rows = doc["rows"];
    long fresh = 0;
    for (const auto& row : rows) {
      const long id = row.value("id", 0L);
      if (id <= read.last_id) continue;
      ++fresh;
      read.last_id = id;
      ++read.rows;
      since = text(row["time"]);
      // A signature's first row, written while the key signed; its outcome row is the request's.
      if (text(row["outcome"]) == "started") continue;
      const std::string operation = text(row["operation"]);
      const std::string code = text(row["problem_code"]);
      // The agent's own logouts: the card went (no client), or a login failed after the PINs
      // (beside that login's refused row).
      const bool session_end = operation == "logout" && (code == "card_removed" || code == "login_failed");
      ++(session_end ? read.session_ends : read.requests)[auditKey(operation, code)];
    }
    if (static_cast<long>(rows.size()) < kPage) break;
    if (fresh == 0) {
      read.error = "more than " + std::to_string(kPage) + " audit rows share one second";
      return read;
    }
  }
  read.ok = true;
  return read;
}

std::vector<std::string> compareAudit(const AuditRead& read, const Tally& expected, long pulls) {
  std::vector<std::string> wrong;
  if (!read.ok) return {"the audit rows could not be read: " + read.error};
  std::set<std::string> keys;
  for (const auto& [key, n] : expected) keys.insert(key);
  for (const auto& [key, n] : read.requests) keys.insert(key);
  long refused_logins = 0;
  for (const auto& key : keys) {
    const auto want = expected.count(key) ? expected.at(key) : 0;
    const auto have = read.requests.count(key) ? read.requests.at(key) : 0;
    if (want != have) {
      wrong.push_back("audit " + key + ": " + std::to_string(want) + " requests, " + std::to_string(have) + " rows");
    }
    if (key.rfind("login|", 0) == 0 && key != "login|") refused_logins += have;
  }
  const auto count = [&](const char* key) { return read.session_ends.count(key) ? read.session_ends.at(key) : 0; };
  if (count("logout|card_removed") > pulls) {
    wrong.push_back("more card_removed logouts (" + std::to_string(count("logout|card_removed")) + ") than card pulls (" +
                    std::to_string(pulls) + ")");
  }
  if (count("logout|login_failed") > refused_logins) {
    wrong.push_back("more login_failed logouts than refused logins");
  }
  return wrong;
}

}  // namespace ehagent::soak
