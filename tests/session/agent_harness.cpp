#include "tests/session/agent_harness.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <cstring>
#include <stdexcept>
#include <thread>
#include <vector>

#include "agent/store/clients.hpp"
#include "agent/config/trust.hpp"
#include "certs/trust_store.hpp"

namespace ehagent::sessiontest {
namespace {

using Clock = std::chrono::steady_clock;

std::string lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

HttpResult parseResponse(const std::string& raw) {
  HttpResult result;
  const auto head_end = raw.find("\r\n\r\n");
  if (head_end == std::string::npos) return result;
  std::istringstream head(raw.substr(0, head_end));
  std::string line;
  std::getline(head, line);
  if (line.size() > 12) result.status = std::stoi(line.substr(9, 3));
  while (std::getline(head, line)) {
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ')) value.erase(0, 1);
    while (!value.empty() && (value.back() == '\r')) value.pop_back();
    result.headers[lower(line.substr(0, colon))] = value;
  }
  result.body = raw.substr(head_end + 4);
  return result;
}

void sendAll(int fd, const std::string& data) {
  std::size_t sent = 0;
  while (sent < data.size()) {
    const ssize_t n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) throw std::runtime_error("send failed");
    sent += static_cast<std::size_t>(n);
  }
}

// Reads until EOF, `stop` says enough, or the deadline.
std::string readUntil(int fd, Clock::time_point deadline, const std::function<bool(const std::string&)>& stop) {
  std::string data;
  char buffer[4096];
  while (Clock::now() < deadline && !stop(data)) {
    pollfd p{fd, POLLIN, 0};
    const int ready = ::poll(&p, 1, 100);
    if (ready <= 0) continue;
    const ssize_t n = ::read(fd, buffer, sizeof buffer);  // pipes and sockets alike
    if (n <= 0) break;
    data.append(buffer, static_cast<std::size_t>(n));
  }
  return data;
}

}  // namespace

AgentHarness::AgentHarness() : fault_(temp_.path() / "fault.conf") {
  fault_.set("module", testsupport::softhsmModule());
  // With both eHealth tokens in, the practitioner would be whichever eID comes first in SoftHSM's
  // slot order, which differs between generated specimens: only Alice's stays in by default.
  fault_.removeCard("eHealth Bob SPECIMEN");
}

AgentHarness::~AgentHarness() = default;

void AgentHarness::setPinScript(const std::string& script) {
  testsupport::writeFile(temp_.path() / "pin.script", script);
  std::filesystem::remove(temp_.path() / "pin.script.cursor");
}

std::vector<std::string> AgentHarness::environment(const AgentSettings& settings) const {
  std::vector<std::string> env = settings.env;
  env.push_back(std::string(p11fault::control_env_var) + "=" + fault_.file().string());
  env.push_back("EHAGENT_PINENTRY_SCRIPT=" + (temp_.path() / "pin.script").string());
  env.push_back("EHAGENT_PINENTRY_TRANSCRIPT=" + (temp_.path() / "pin.transcript").string());
  return env;
}

void AgentHarness::start(const AgentSettings& settings) {
  if (!settings.pin_script.empty() || !fs::exists(temp_.path() / "pin.script")) setPinScript(settings.pin_script);
  const fs::path state = temp_.path() / "state";
  fs::create_directories(state);
  fs::permissions(state, fs::perms::owner_all, fs::perm_options::replace);
  // A second start() keeps the client (and its key) of the first.
  if (key_.empty()) key_ = agent::ClientStore(agent::ClientStore::defaultFile(state)).add("TestEMR");
  if (settings.trust_specimen) {
    for (const char* root : {"belgium-root-ca.pem", "ehealth-ca.pem"}) {
      certs::TrustStore::installInto(agent::addedTrustDir(state),
                                     certs::Certificate::loadFile(testsupport::SpecimenCopy::pki(root)));
    }
  }
  socket_ = temp_.path() / "api.sock";
  const fs::path config = temp_.path() / "agent.toml";
  std::string modules;
  for (const std::string& module : settings.modules) modules += "\"" + module + "\", ";
  testsupport::writeFile(config, "state_dir = \"" + state.string() + "\"\n" +
                                     "modules = [" + modules + "\"" + p11fault::FaultControl::modulePath().string() + "\"]\n" +
                                     "pinentry = \"" + settings.pinentry + "\"\n" +
                                     "card_queue_depth = " + std::to_string(settings.queue_depth) + "\n" +
                                     "log_level = \"debug\"\n" +
                                     "login_on_insert = " + (settings.login_on_insert ? "true" : "false") + "\n" +
                                     "language = \"" + settings.language + "\"\n" +
                                     settings.extra_config);

  child_.reset();  // a second start() replaces the first agent
  child_ = std::make_unique<testsupport::ChildProcess>(testsupport::ChildOptions{
      .argv = {testsupport::agentExe(), "serve", "--config", config.string(), "--bundled-trust",
               testsupport::bundledTrustDir(), "--listen", "127.0.0.1:" + std::to_string(settings.port), "--socket", socket_.string()},
      .env = environment(settings),
      .pipe_stdout = true,
      .log_file = temp_.path() / "agent.stderr",
      .null_stdin = true});
  const std::string ready = child_->readLine(std::chrono::seconds(60));
  const auto tcp = ready.find("ready tcp=127.0.0.1:");
  if (tcp == std::string::npos) throw std::runtime_error("the agent did not start: " + ready + stderrLog());
  port_ = static_cast<unsigned short>(std::stoi(ready.substr(tcp + 20)));
}

int AgentHarness::stop(int signal) { return child_->stop(signal); }

int AgentHarness::connect(bool unix_socket) const {
  const int fd = unix_socket ? ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)
                             : ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error("socket failed");
  int rc = -1;
  if (unix_socket) {
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, socket_.c_str(), sizeof address.sun_path - 1);
    rc = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  } else {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port_);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    rc = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  }
  if (rc != 0) {
    ::close(fd);
    throw std::runtime_error("connect failed");
  }
  return fd;
}

int AgentHarness::send(const std::string& method, const std::string& target, const std::string& body,
                       bool unix_socket, bool with_key) const {
  const int fd = connect(unix_socket);
  std::string text = method + " " + target + " HTTP/1.1\r\nHost: " +
                     (unix_socket ? std::string("localhost") : "127.0.0.1:" + std::to_string(port_)) +
                     "\r\nConnection: close\r\n";
  if (with_key) text += "Authorization: Bearer " + key_ + "\r\n";
  if (!body.empty() || method == "POST") {
    text += "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
  }
  text += "\r\n" + body;
  sendAll(fd, text);
  return fd;
}

HttpResult AgentHarness::request(const std::string& method, const std::string& target, const std::string& body,
                                 bool unix_socket, bool with_key) const {
  const int fd = send(method, target, body, unix_socket, with_key);
  const std::string raw = readUntil(fd, Clock::now() + std::chrono::seconds(60), [](const std::string&) { return false; });
  ::close(fd);
  return parseResponse(raw);
}

std::string AgentHarness::readEventsUntil(const std::string& needle, const std::function<void()>& action,
                                          std::chrono::seconds deadline) const {
  const int fd = connect(false);
  sendAll(fd, "GET /v1/events HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port_) +
                  "\r\nAccept: text/event-stream\r\nAuthorization: Bearer " + key_ + "\r\n\r\n");
  // The stream is open once its headers arrive.
  std::string seen = readUntil(fd, Clock::now() + std::chrono::seconds(10),
                               [](const std::string& d) { return d.find("\r\n\r\n") != std::string::npos; });
  action();
  seen += readUntil(fd, Clock::now() + deadline, [&](const std::string& d) {
    return (seen + d).find(needle) != std::string::npos;
  });
  ::close(fd);
  return seen;
}

bool AgentHarness::waitForStatus(const std::function<bool(const nlohmann::json&)>& predicate,
                                 std::chrono::seconds deadline) const {
  const auto end = Clock::now() + deadline;
  while (Clock::now() < end) {
    const HttpResult status = request("GET", "/v1/status");
    const nlohmann::json body = status.json();
    if (status.status == 200 && !body.is_discarded() && predicate(body)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

std::string AgentHarness::stderrLog() const { return child_ ? child_->log() : std::string(); }

std::string AgentHarness::transcript() const {
  const fs::path file = temp_.path() / "pin.transcript";
  return fs::exists(file) ? testsupport::readFile(file) : std::string();
}

}  // namespace ehagent::sessiontest
