#include "bench/agent_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "agent/store/clients.hpp"
#include "agent/config/trust.hpp"
#include "certs/trust_store.hpp"

extern char** environ;

namespace ehagent::bench {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

void writeFile(const fs::path& file, const std::string& text) {
  std::ofstream out(file);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + file.string());
}

std::string readFile(const fs::path& file) {
  std::ifstream in(file);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

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
                       "card_queue_depth = " + std::to_string(options.queue_depth) + "\n";
  if (!options.practitioner_ssin.empty()) config += "practitioner_ssin = \"" + options.practitioner_ssin + "\"\n";
  config += "[limits]\nmax_connections = " + std::to_string(options.max_connections) + "\n";
  writeFile(dir_.path() / "agent.toml", config);

  std::vector<std::string> env_strings;
  for (char** e = environ; *e != nullptr; ++e) env_strings.emplace_back(*e);  // SOFTHSM2_CONF included
  env_strings.push_back("EHAGENT_PINENTRY_SCRIPT=" + (dir_.path() / "pin.script").string());
  env_strings.push_back(std::string(p11fault::control_env_var) + "=" + fault_.file().string());
  std::vector<char*> envp;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> args = {EHAGENT_BENCH_AGENT_EXE, "serve", "--config", (dir_.path() / "agent.toml").string()};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  int out[2];
  if (::pipe2(out, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
  const std::string err_path = (dir_.path() / "agent.stderr").string();
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  spawned_at_ = Clock::now();
  const int rc = ::posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  ::close(out[1]);
  stdout_fd_ = out[0];
  if (rc != 0) {
    pid_ = -1;
    throw std::runtime_error("cannot start " + args[0] + ": " + std::strerror(rc));
  }
  port_ = options.port;
}

AgentProcess::~AgentProcess() {
  if (stdout_fd_ >= 0) ::close(stdout_fd_);
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  const auto deadline = Clock::now() + std::chrono::seconds(15);
  while (::waitpid(pid_, nullptr, WNOHANG) == 0) {
    if (Clock::now() > deadline) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

void AgentProcess::waitUntilReady() {
  std::string line;
  const auto deadline = Clock::now() + std::chrono::seconds(60);  // a slow machine gives a slow figure
  while (line.find('\n') == std::string::npos) {
    if (Clock::now() > deadline) throw std::runtime_error("the agent did not start within 60 s: " + stderrLog());
    pollfd p{stdout_fd_, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    char buffer[512];
    const ssize_t n = ::read(stdout_fd_, buffer, sizeof buffer);
    if (n <= 0) throw std::runtime_error("the agent exited: " + stderrLog());
    line.append(buffer, static_cast<std::size_t>(n));
  }
  const auto tcp = line.find("ready tcp=127.0.0.1:");
  if (tcp == std::string::npos) throw std::runtime_error("unexpected agent output: " + line);
  port_ = static_cast<unsigned short>(std::stoi(line.substr(tcp + 20)));
}

void AgentProcess::waitForPractitioner(const std::string& ssin) {
  const auto deadline = Clock::now() + std::chrono::seconds(60);
  while (Clock::now() < deadline) {
    const auto status = nlohmann::json::parse(HttpClient::tcp(port_).request("GET", "/v1/status").body, nullptr, false);
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

std::string AgentProcess::stderrLog() const { return readFile(dir_.path() / "agent.stderr"); }
double AgentProcess::rssMiB() const { return statusFieldMiB(pid_, "VmRSS"); }
double AgentProcess::peakRssMiB() const { return statusFieldMiB(pid_, "VmHWM"); }

}  // namespace ehagent::bench
