#pragma once
// The sandbox hub: an intrahub v3 endpoint on the sandbox server. It checks what a real hub checks
// before doing anything: the STS assertion's signature and validity, and the WS-Security signature
// made with the key that assertion confirms (holder-of-key). It then applies the hub rules (no
// transaction access without consent and a therapeutic link; a revoked consent blocks access),
// stores submissions in SQLite and records every access for GetPatientAuditTrail.
#include <chrono>
#include <filesystem>
#include <mutex>
#include <string>
#include <vector>

#include "certs/certificate.hpp"
#include "sandbox/hub_store.hpp"
#include "sandbox/server.hpp"

namespace ehagent::sandbox {

struct HubServiceOptions {
  std::filesystem::path database = ":memory:";
  std::vector<certs::Certificate> stsTrust;  // certificates the STS signs assertions with
  std::string hubId = "1990000035";
  // Misbehaviour for tests: the file's first word, read on each call, is "down" (drop the
  // connection), "slow" (answer after slowDelay) or "fault" (a SOAP fault); absent or empty: behave.
  std::filesystem::path controlFile;
  std::chrono::milliseconds slowDelay{30000};
  // This share of calls (0..100), picked at random, gets a SOAP fault whatever the control file
  // says: a flaky hub for the load and fault soak.
  int failPercent = 0;
};

inline constexpr const char* kHubPath = "/hubservices/intrahub/v3";

class HubService {
 public:
  explicit HubService(HubServiceOptions options);

  Response handle(const Request& request);
  void registerWith(Server& server, const std::string& path = kHubPath);

 private:
  std::mutex mutex_;  // the store's one connection
  HubServiceOptions options_;
  HubStore store_;
};

}  // namespace ehagent::sandbox
