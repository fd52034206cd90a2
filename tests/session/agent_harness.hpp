#pragma once
// A real `ehagent serve` over a private specimen copy, behind the fault module, with the scripted
// pinentry, and a plain HTTP/1.1 client over loopback TCP or the Unix socket. One per fixture.
#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/p11fault/fault_control.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/support.hpp"

namespace ehagent::sessiontest {

namespace fs = std::filesystem;

struct HttpResult {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  [[nodiscard]] nlohmann::json json() const { return nlohmann::json::parse(body, nullptr, false); }
};

struct AgentSettings {
  std::size_t queue_depth = 8;
  std::string pin_script;  // one action per line, see tests/pinentry/README.md
  std::string extra_config;  // appended to agent.toml (e.g. [sts] and [hubs.<name>] tables)
  // The agent's trust store is the bundled one of the source tree (the real Belgian roots, the
  // production default) plus, unless false, the specimen roots (Belgium Root CA and eHealth CA
  // (specimen)) added to the state dir as `ehagent-install trust add` does.
  bool trust_specimen = true;
  std::string pinentry = EHAGENT_TEST_PINENTRY;  // the config's pinentry key
  std::vector<std::string> env;  // NAME=value for the agent, before the test's own environment
  // Modules the agent loads before the fault module (which serves the specimen's SoftHSM tokens).
  std::vector<std::string> modules;
  // Off unless a test is about it: the others count PIN prompts and logins of their own.
  bool login_on_insert = false;
  std::string language = "en";  // the tests read the English texts, whatever the machine's locale
  unsigned short port = 0;  // 0: any free one; a restart that a browser must find again passes the first's
};

class AgentHarness {
 public:
  // Every specimen card is in except "eHealth Bob SPECIMEN", so that Alice is the practitioner.
  AgentHarness();
  ~AgentHarness();  // SIGTERM, then SIGKILL after a grace period

  p11fault::FaultControl& fault() { return fault_; }
  void setPinScript(const std::string& script);
  void start(const AgentSettings& settings = {});
  // Sends `signal` to the agent and reaps it; returns its wait status.
  int stop(int signal);

  HttpResult request(const std::string& method, const std::string& target, const std::string& body = {},
                     bool unix_socket = false, bool with_key = true) const;
  // Sends a request and returns the connection unread, for a client that goes away: the caller
  // closes the descriptor.
  [[nodiscard]] int send(const std::string& method, const std::string& target, const std::string& body = {},
                         bool unix_socket = false, bool with_key = true) const;
  // Opens GET /v1/events and reads it until `needle` appears or the deadline passes; returns what
  // was read. `action` runs once the stream is open.
  std::string readEventsUntil(const std::string& needle, const std::function<void()>& action,
                              std::chrono::seconds deadline = std::chrono::seconds(20)) const;

  // Polls GET /v1/status until `predicate` holds (generous deadline); false on timeout.
  bool waitForStatus(const std::function<bool(const nlohmann::json&)>& predicate,
                     std::chrono::seconds deadline = std::chrono::seconds(30)) const;

  [[nodiscard]] std::string stderrLog() const;
  [[nodiscard]] std::string transcript() const;
  [[nodiscard]] const fs::path& dir() const { return temp_.path(); }
  [[nodiscard]] const std::string& key() const { return key_; }
  [[nodiscard]] unsigned short port() const { return port_; }

 private:
  int connect(bool unix_socket) const;
  [[nodiscard]] std::vector<std::string> environment(const AgentSettings& settings) const;

  testsupport::SpecimenCopy specimen_;
  testsupport::TempDir temp_{"ehagent-session"};
  p11fault::FaultControl fault_;
  std::string key_;
  std::unique_ptr<testsupport::ChildProcess> child_;  // after the folders: stopped before they go
  unsigned short port_ = 0;
  fs::path socket_;
};

// The stored specimen: the practitioner cards' labels.
inline constexpr const char* kAliceEid = "Alice SPECIMEN";
inline constexpr const char* kAliceEhealth = "eHealth Alice SPECIMEN";

}  // namespace ehagent::sessiontest
