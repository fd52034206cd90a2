#include <iomanip>

#include "agent/store/audit.hpp"
#include "agent/cli/cli.hpp"
#include "agent/store/clients.hpp"
#include "agent/store/json_text.hpp"

namespace ehagent::agent {
namespace {

// Runs a command body; a failure becomes one line on stderr and exit code 1 (2 for bad config).
template <class Body>
int guarded(std::ostream& err, Body body) {
  try {
    return body();
  } catch (const ConfigError& e) {
    err << "ehagent: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    err << "ehagent: " << e.what() << "\n";
    return 1;
  }
}

ClientStore clientStore(const CommonOptions& common) {
  return ClientStore(ClientStore::defaultFile(effectiveStateDir(loadEffectiveConfig(common))));
}

}  // namespace

int runClientsAdd(const CommonOptions& common, const std::string& name, std::ostream& out,
                  std::ostream& err) {
  return guarded(err, [&] {
    const std::string key = clientStore(common).add(name);
    out << key << "\n";
    err << "client '" << name << "' added; this key is shown only once\n";
    return 0;
  });
}

int runClientsList(const CommonOptions& common, bool json, std::ostream& out, std::ostream& err) {
  return guarded(err, [&] {
    const auto clients = clientStore(common).list();
    if (json) {
      nlohmann::json array = nlohmann::json::array();
      for (const auto& c : clients) array.push_back({{"name", c.name}, {"created", c.created_utc}});
      out << jsonText(array, 2) << "\n";
    } else {
      for (const auto& c : clients) out << c.name << "\t" << c.created_utc << "\n";
    }
    return 0;
  });
}

int runClientsRemove(const CommonOptions& common, const std::string& name, std::ostream& out,
                     std::ostream& err) {
  return guarded(err, [&] {
    if (!clientStore(common).remove(name)) {
      err << "ehagent: no client named '" << name << "'\n";
      return 1;
    }
    out << "client '" << name << "' removed\n";
    return 0;
  });
}

int runAuditList(const CommonOptions& common, const std::string& since,
                 const std::string& operation, const std::string& patient, bool json,
                 std::ostream& out, std::ostream& err) {
  return guarded(err, [&] {
    AuditLog audit(AuditLog::defaultFile(effectiveStateDir(loadEffectiveConfig(common))));
    AuditQuery query{since, operation, patient, 1000000};
    nlohmann::json array = nlohmann::json::array();
    for (const AuditRow& row : audit.query(query)) {
      if (json) {
        array.push_back(auditRowJson(row));
        continue;
      }
      const auto dash = [](const std::string& s) { return s.empty() ? std::string("-") : s; };
      out << row.id << "\t" << row.time_utc << "\t" << dash(row.entry.client) << "\t"
          << dash(row.entry.practitioner_ssin) << "\t" << row.entry.operation << "\t"
          << dash(row.entry.patient_ssin) << "\t" << row.entry.outcome << "\t"
          << dash(row.entry.problem_code) << "\n";
    }
    if (json) out << jsonText(array, 2) << "\n";
    return 0;
  });
}

int runAuditVerify(const CommonOptions& common, std::ostream& out, std::ostream& err) {
  return guarded(err, [&] {
    AuditLog audit(AuditLog::defaultFile(effectiveStateDir(loadEffectiveConfig(common))));
    const AuditVerdict verdict = audit.verify();
    if (verdict.ok) {
      out << "audit chain ok: " << verdict.rows << " rows\n";
      return 0;
    }
    out << "audit chain broken at row " << *verdict.first_broken_id << ": " << verdict.reason
        << "\n";
    return 1;
  });
}

}  // namespace ehagent::agent
