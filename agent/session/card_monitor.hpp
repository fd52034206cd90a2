#pragma once
// The card monitor: one thread per configured PKCS#11 module. It waits for slot events through
// the pkcs11 layer (C_WaitForSlotEvent without blocking, or the layer's polling where the module
// has none), reads each new token without a PIN (the eID holder, the eHealth certificate's SSIN
// and NIHII) and tells the session what is in. It also ends an idle PIN state.
#include <chrono>
#include <memory>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

namespace ehagent::agent {

class AgentSession;

struct CardMonitorOptions {
  std::vector<std::string> modules;  // empty: pkcs11::defaultModulePaths()
  std::chrono::milliseconds tick{250};          // how often to look for slot events
  std::chrono::milliseconds full_rescan{3000};  // a rescan even without an event
};

class CardMonitor {
 public:
  CardMonitor(AgentSession& session, CardMonitorOptions options);
  ~CardMonitor();  // stops and joins the threads
  CardMonitor(const CardMonitor&) = delete;
  CardMonitor& operator=(const CardMonitor&) = delete;

  // Loads each module and starts its thread; a module that fails to load is logged and skipped.
  // Each thread scans its module at once, then on every slot event.
  void start();

 private:
  void watch(std::stop_token stop, std::string module_path);

  AgentSession& session_;
  CardMonitorOptions options_;
  std::vector<std::jthread> threads_;
};

}  // namespace ehagent::agent
