#pragma once
// The sandbox hub's memory, in SQLite: consents, therapeutic links, stored transactions, and every
// access (what GetPatientAuditTrail reports). One connection, used under the service's lock.
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

struct sqlite3;

namespace ehagent::sandbox {

struct HubParty {
  std::string nihii;
  std::string ssin;
  std::string profession;
  std::string firstName;
  std::string familyName;
};

struct StoredTransaction {
  long long id = 0;
  std::string patient;
  HubParty author;
  std::string date;  // YYYY-MM-DD
  std::string time;  // HH:MM:SS
};

struct Access {
  std::string patient;
  long long transactionId = 0;
  HubParty by;
  std::string when;  // xsd:dateTime, UTC
  bool breakTheGlass = false;
};

class HubStore {
 public:
  explicit HubStore(const std::filesystem::path& database);  // ":memory:" allowed
  ~HubStore();
  HubStore(const HubStore&) = delete;
  HubStore& operator=(const HubStore&) = delete;

  void putConsent(const std::string& patient, const std::string& signDate, const HubParty& by);
  // False when there was no active consent to revoke.
  bool revokeConsent(const std::string& patient, const std::string& revokeDate);
  [[nodiscard]] bool hasActiveConsent(const std::string& patient);

  void putLink(const std::string& patient, const HubParty& hcparty, const std::string& type,
               const std::string& start, const std::string& end, const std::string& proof);
  bool revokeLink(const std::string& patient, const std::string& nihii);
  // An unrevoked link whose period contains `today` (YYYY-MM-DD).
  [[nodiscard]] bool hasActiveLink(const std::string& patient, const std::string& nihii,
                                   const std::string& today);

  long long putTransaction(const std::string& patient, const HubParty& author, const std::string& kmehr,
                           const std::string& date, const std::string& time);
  [[nodiscard]] std::vector<StoredTransaction> transactions(const std::string& patient);

  void recordAccess(const Access& access);
  [[nodiscard]] std::vector<Access> accesses(const std::string& patient);

 private:
  void exec(const char* sql);
  sqlite3* db_ = nullptr;
};

}  // namespace ehagent::sandbox
