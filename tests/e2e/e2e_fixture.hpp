#pragma once
// The whole chain as a client sees it: a real `ehagent serve` (tests/session/agent_harness) whose
// config points [sts] and [hubs.sandbox] at a real `ehagent-sandbox serve`, over the specimen cards.
// Checks go through independent tools: xmlsec1, node's `jose`, the openssl CLI.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/support/sandbox_process.hpp"
#include "tests/session/agent_harness.hpp"
#include "tests/support/support.hpp"

namespace ehagent::e2e {

namespace fs = std::filesystem;
using sessiontest::AgentHarness;
using sessiontest::HttpResult;
using testsupport::SpecimenCopy;

struct Person {
  const char* name;     // "alice", as in the specimen's file names
  const char* eid;      // token labels
  const char* ehealth;
  const char* ssin;
  const char* nihii;
  const char* fullName;
};
inline constexpr Person kAlice{"alice", "Alice SPECIMEN", "eHealth Alice SPECIMEN", "78031215280", "10012378004",
                               "Alice SPECIMEN"};
inline constexpr Person kBob{"bob", "Bob SPECIMEN", "eHealth Bob SPECIMEN", "82110523358", "10045636003",
                             "Bob SPECIMEN"};
inline constexpr const char* kNihiiAttribute = "urn:be:fgov:person:ssin:ehealth:1.0:doctor:nihii11";

// Outcome of an independent tool: exit code and everything it printed.
struct Check {
  bool ok = false;
  std::string output;
};

// xmlsec1 on the SAML assertion's own signature, with the given key options.
Check xmlsecAssertion(const fs::path& dir, const std::string& assertion, const std::vector<std::string>& keyOptions);
// xmlsec1 on the WS-Security signature of a hub envelope, against `cert`.
Check xmlsecEnvelope(const fs::path& dir, const std::string& envelope, const fs::path& cert);
// node's jose: verifies `jwt` against `cert` with `alg` and the expected claims (and "header").
Check joseVerify(const fs::path& dir, const std::string& jwt, const fs::path& cert, const std::string& alg,
                 const nlohmann::json& expected);
// The JWT's header and payload, decoded here (not by the agent's code).
nlohmann::json jwtPart(const std::string& jwt, int index);

class EndToEnd : public ::testing::Test {
 protected:
  // Starts the agent with `who` as the practitioner, waits until the card monitor identifies them,
  // and logs in. The other person's eHealth token is out; their eID stays in, as the patient's
  // card, when `otherEidIn`.
  void loginAs(const Person& who, bool otherEidIn);
  // The same without the login when `login` is false: the agent is up and `who` identified.
  void startAs(const Person& who, bool otherEidIn, bool login, const std::string& pin_script = kPins);
  // Stops the agent and starts it again on the same port, with the same config and PIN script
  // (its next line); returns once `who` is identified again.
  void restartOnTheSamePort(const Person& who);
  void startedAndLoggedIn(const Person& who, bool otherEidIn, bool login = true);

  HttpResult call(const std::string& method, const std::string& target, const std::string& body = {}) const {
    return agent_.request(method, target, body);
  }
  // GET /v1/audit?operation=... rows.
  nlohmann::json auditRows(const std::string& operation) const;
  // `ehagent --config <the agent's> audit <args>`.
  testsupport::CommandResult ehagentCli(const std::vector<std::string>& args) const;

  [[nodiscard]] fs::path scratch() const { return agent_.dir(); }

  // The sandbox STS's behaviour from now on (sandbox/README.md, `--control`): {"mode": "drop"}
  // takes it down, {"mode": "normal"} brings it back.
  void stsControl(const std::string& json) const { testsupport::writeFile(sts_control_dir_ / "sts.json", json); }

  testsupport::TempDir sts_control_dir_{"ehagent-sts-control"};
  testsupport::SandboxProcess sandbox_{sts_control_dir_ / "sts.json"};
  AgentHarness agent_;
  // The eID and eHealth PINs at login, and spares for any later prompt.
  static constexpr const char* kPins = "pin 1234\npin 1234\npin 1234\npin 1234\n";

 private:
  sessiontest::AgentSettings settings_;
};

}  // namespace ehagent::e2e
