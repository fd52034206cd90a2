#include "bench/agent_process.hpp"

#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <thread>

#include <nlohmann/json.hpp>

#include "agent/config/trust.hpp"
#include "agent/store/clients.hpp"
#include "certs/trust_store.hpp"

namespace ehagent::bench {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

using testsupport::writeFile;

double statusFieldMiB(pid_t pid, const std::string& field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field + ":", 0) == 0) return std::stod(line.substr(field.size() + 1)) / 1024.0;  // kB
  }
  throw std::runtime_error("no " + field + " for process " + std::to_string(pid));
}

// The login checks the practitioner's certificates against the agent's trust store: the specimen
// roots are added as IT staff would add a CA. The specimen is the one SOFTHSM2_CONF names (Specimen).
void trustSpecimenRoots(const fs::path& state) {
  const char* conf = std::getenv("SOFTHSM2_CONF");
  if (conf == nullptr) throw std::runtime_error("SOFTHSM2_CONF is not set: make a Specimen first");
  const fs::path pki = fs::path(conf).parent_path() / "pki";
  for (const char* root : {"belgium-root-ca.pem", "ehealth-ca.pem"}) {
    certs::TrustStore::installInto(agent::addedTrustDir(state), certs::Certificate::loadFile(pki / root));
  }
}

}  // namespace

AgentProcess::AgentProcess(const AgentOptions& options) {
  const fs::path state = dir_.path() / "state";
  fs::create_directories(state);
  fs::permissions(state, fs::perms::owner_all, fs::perm_options::replace);
  key_ = agent::ClientStore(agent::ClientStore::defaultFile(state)).add("BenchEMR");
  trustSpecimenRoots(state);
  writeFile(dir_.path() / "pin.script", options.pin_script);
  const std::string module = options.through_fault_module ? p11fault::FaultControl::modulePath().string() : softhsm_module;
  if (options.through_fault_module) fault_.set("module", softhsm_module);
  std::string config = "state_dir = \"" + state.string() + "\"\n" +
                       "listen = \"127.0.0.1:" + std::to_string(options.port) + "\"\n" +
                       "socket = \"" + socketPath().string() + "\"\n" +
                       "modules = [\"" + module + "\"]\n" +
                       "pinentry = \"" + EHAGENT_BENCH_PINENTRY_EXE + "\"\n" +
                       "card_queue_depth = " + std::to_string(options.queue_depth) + "\n" +
                       "login_on_insert = false\n";  // each benchmark logs in when it means to
  if (!options.practitioner_ssin.empty()) config += "practitioner_ssin = \"" + options.practitioner_ssin + "\"\n";
  config += "[limits]\nmax_connections = " + std::to_string(options.max_connections) + "\n";
  writeFile(dir_.path() / "agent.toml", config);

  spawned_at_ = Clock::now();
  child_ = std::make_unique<testsupport::ChildProcess>(testsupport::ChildOptions{
      .argv = {EHAGENT_BENCH_AGENT_EXE, "serve", "--config", (dir_.path() / "agent.toml").string()},
      .env = {"EHAGENT_PINENTRY_SCRIPT=" + (dir_.path() / "pin.script").string(),
              std::string(p11fault::control_env_var) + "=" + fault_.file().string()},
      .pipe_stdout = true,
      .log_file = dir_.path() / "agent.stderr"});
  port_ = options.port;
}

AgentProcess::~AgentProcess() = default;

void AgentProcess::waitUntilReady() {
  const std::string line = child_->readLine(std::chrono::seconds(60));  // a slow machine gives a slow figure
  const auto tcp = line.find("ready tcp=127.0.0.1:");
  if (tcp == std::string::npos) throw std::runtime_error("unexpected agent output: " + line);
  port_ = static_cast<unsigned short>(std::stoi(line.substr(tcp + 20)));
}

void AgentProcess::waitForPractitioner(const std::string& ssin) {
  const auto deadline = Clock::now() + std::chrono::seconds(60);
  while (Clock::now() < deadline) {
    const auto status = nlohmann::json::parse(HttpClient::tcp(port_).request("GET", "/v1/status", {}, key_).body, nullptr, false);
    if (status.is_object() && status.contains("practitioner") && status["practitioner"].is_object() &&
        status["practitioner"].value("ssin", "") == ssin) {
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  throw std::runtime_error("the agent did not identify " + ssin + " within 60 s: " + stderrLog());
}

void AgentProcess::logIn() {
  const HttpAnswer login = HttpClient::tcp(port_).request("POST", "/v1/session", {}, key_);
  if (login.status != 200) {
    throw std::runtime_error("POST /v1/session answered " + std::to_string(login.status) + ": " + login.body);
  }
}

std::string AgentProcess::stderrLog() const { return child_->log(); }
double AgentProcess::rssMiB() const { return statusFieldMiB(pid(), "VmRSS"); }
double AgentProcess::peakRssMiB() const { return statusFieldMiB(pid(), "VmHWM"); }

}  // namespace ehagent::bench
