// The load and fault soak's client. For --seconds, --connections workers send mixed traffic to a
// running agent over kept-alive loopback connections: status, cards, the SAML token, both JWT
// kinds, signatures and hub submissions (consent, link, Sumehr). The main thread pulls the
// practitioner's eID out through the fault module's control file every --pull-every seconds and
// puts it back --pull-for seconds later, and samples the agent's open files and RSS. After a pull
// the session is gone: a worker told not_logged_in starts a new login (the agent never retries a
// PIN itself; the scripted pinentry answers). At the end it checks that the agent and the sandbox
// live, every request got a success or a problem with a code, fds and RSS stayed within bounds, and
// each audited request left its audit row (tests/soak/soak_audit.hpp). Prints the counts; exits
// non-zero on any broken check. scripts/soak.sh starts the agent and the sandbox and calls this.
#include <signal.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <sstream>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>

#include "tests/p11fault/fault_control.hpp"
#include "tests/soak/soak_audit.hpp"

namespace {

using namespace ehagent::soak;
using Clock = std::chrono::steady_clock;
using std::chrono::seconds;

struct Options {
  int seconds = 600, port = 0, pid = 0, sandbox_pid = 0, connections = 4;
  int pull_every = 20, pull_for = 2, warmup = 5, timeout = 120;
  long fd_bound = 8;
  double rss_bound_mib = 8;
  std::string key, fault_control, card = "Alice SPECIMEN", hub = "sandbox", patient = "82110523358", sumehr;
};

struct Call {
  std::string name;  // in the counts
  http::verb method;
  std::string target, body, content_type = "application/json";
  std::string audited;  // the audit operation; empty: the route audits nothing
  int every = 1;        // sent on every n-th round of a worker
};

const Call kLogin{"login", http::verb::post, "/v1/session", "", "application/json", "login"};
const Call kStatus{"status", http::verb::get, "/v1/status", "", "", ""};

std::vector<Call> traffic(const Options& o) {
  std::ifstream in(o.sumehr);
  std::stringstream sumehr;
  sumehr << in.rdbuf();
  if (sumehr.str().empty()) throw std::runtime_error("no Sumehr in --sumehr " + o.sumehr);
  const std::string hub = "/v1/hubs/" + o.hub, patient = R"({"patient":")" + o.patient + R"("})";
  // The hub keeps every Sumehr, so a transaction list would grow with the soak and the agent's
  // memory with it: the traffic stays without one, so that its memory can be held to a bound.
  return {kStatus,
          {"cards", http::verb::get, "/v1/cards", "", "", ""},
          {"saml", http::verb::get, "/v1/tokens/saml", "", "", "saml"},
          {"jwt-practitioner", http::verb::post, "/v1/tokens/jwt",
           R"({"kind":"practitioner","audience":"https://emr.example"})", "application/json", "jwt-practitioner"},
          {"jwt-iam", http::verb::post, "/v1/tokens/jwt",
           R"({"kind":"iam-client-assertion","client_id":"soak","audience":"https://api-acpt.ehealth.fgov.be/auth/realms/M2M"})",
           "application/json", "jwt-iam-client-assertion"},
          {"sign", http::verb::post, "/v1/sign", R"({"data":"U29hayB0ZXN0","patient":")" + o.patient + R"("})",
           "application/json", "sign"},
          {"consent", http::verb::post, hub + "/consents", patient, "application/json", "hub.consent.put", 2},
          {"link", http::verb::post, hub + "/therapeutic-links", patient, "application/json", "hub.link.put", 2},
          {"sumehr", http::verb::post, hub + "/transactions", sumehr.str(), "application/xml", "hub.transaction.put", 2}};
}

struct PerCall {
  long sent = 0, ok = 0, problems = 0;
};

class Soak {
 public:
  explicit Soak(const Options& o) : o_(o), mix_(traffic(o)) {}

  Answer send(Client& client, const Call& call) {
    const Answer answer = client.call(call.method, call.target, call.body, call.content_type);
    std::lock_guard lock(mutex_);
    if (answer.fate == Answer::Fate::Unsent) {
      ++unsent_;
      return answer;
    }
    ++sent_;
    ++per_call_[call.name].sent;
    if (answer.fate == Answer::Fate::Lost) return answer;
    ++answered_;
    const std::string code = answerCode(answer);
    if (!call.audited.empty()) ++expected_[auditKey(call.audited, code)];
    if (answer.status < 300) {
      ++per_call_[call.name].ok;
      if (!code.empty()) ++codes_["hub acknowledgement " + code];
    } else if (answer.content_type.rfind("application/problem+json", 0) == 0 && !code.empty()) {
      ++per_call_[call.name].problems;
      ++codes_["problem " + code];
    } else {
      ++malformed_;
      std::cerr << "soak: " << call.name << " answered " << answer.status << " without a problem code: "
                << answer.body.substr(0, 200) << "\n";
    }
    return answer;
  }

  void worker(int index) {
    Client client(static_cast<unsigned short>(o_.port), o_.key, o_.timeout);
    for (long round = 0; !stop_; ++round) {
      for (std::size_t i = 0; i < mix_.size() && !stop_; ++i) {
        const Call& call = mix_[(i + static_cast<std::size_t>(index)) % mix_.size()];
        if (round % call.every != 0) continue;
        const long epoch = epoch_;
        const Answer answer = send(client, call);
        if (answer.fate == Answer::Fate::Unsent) std::this_thread::sleep_for(std::chrono::milliseconds(100));
        if (answer.status >= 300 && answerCode(answer) == "not_logged_in") login(client, epoch);
      }
    }
  }

  // A new login, unless another worker logged in since `epoch`; after a refusal (the card is out,
  // the STS failed) the next try waits a moment instead of hammering.
  void login(Client& client, long epoch) {
    std::lock_guard lock(login_mutex_);
    if (epoch_ != epoch || Clock::now() < next_login_) return;
    const Answer answer = send(client, kLogin);
    if (answer.status == 200) ++epoch_;
    else next_login_ = Clock::now() + std::chrono::milliseconds(250);
  }

  int run();

 private:
  bool identified(Client& client) {
    const Answer answer = send(client, kStatus);
    const auto doc = answer.json();
    return doc.is_object() && doc.contains("practitioner") && doc["practitioner"].is_object();
  }

  Options o_;
  std::vector<Call> mix_;
  std::mutex mutex_, login_mutex_;
  std::atomic<bool> stop_{false};
  std::atomic<long> epoch_{0};
  Clock::time_point next_login_{};
  long sent_ = 0, answered_ = 0, unsent_ = 0, malformed_ = 0;
  std::map<std::string, PerCall> per_call_;
  std::map<std::string, long> codes_;
  Tally expected_;
};

bool alive(int pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string id, name, state;
  return pid > 0 && ::kill(pid, 0) == 0 && (stat >> id >> name >> state) && state != "Z";
}

long openFiles(int pid) {
  long n = 0;
  std::error_code ec;
  for (auto it = std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/fd", ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
    ++n;
  }
  return n;
}

double rssMiB(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  }
  return -1;
}

struct Sample {
  long fds = 0;
  double rss = 0;
};

Sample sample(int pid) { return {openFiles(pid), rssMiB(pid)}; }

int Soak::run() {
  ehagent::p11fault::FaultControl fault(o_.fault_control);
  Client control(static_cast<unsigned short>(o_.port), o_.key, o_.timeout);
  const AuditRead before = readAudit(control, 0);
  const auto start = Clock::now();
  while (!identified(control) && Clock::now() - start < seconds(30)) std::this_thread::sleep_for(std::chrono::milliseconds(100));

  std::vector<std::thread> workers;
  for (int i = 0; i < o_.connections; ++i) workers.emplace_back([this, i] { worker(i); });
  const auto begin = Clock::now();
  auto next_pull = begin + seconds(o_.pull_every);
  auto next_report = begin + seconds(60);
  bool out = false, sampled = false;
  long pulls = 0;
  Sample first, peak;
  while (Clock::now() - begin < seconds(o_.seconds) && alive(o_.pid)) {
    if (Clock::now() >= next_pull) {
      out ? fault.insertCard(o_.card) : fault.removeCard(o_.card);
      pulls += out ? 0 : 1;
      next_pull = Clock::now() + seconds(out ? o_.pull_every - o_.pull_for : o_.pull_for);
      out = !out;
    }
    // The first sample comes once the session, the card queues and the hub pool exist.
    const Sample now = sample(o_.pid);
    if (!sampled && Clock::now() - begin >= seconds(o_.warmup)) {
      first = now;
      sampled = true;
    }
    peak = {std::max(peak.fds, now.fds), std::max(peak.rss, now.rss)};
    // A line a minute shows whether the agent's memory levels off or keeps growing.
    if (Clock::now() >= next_report) {
      std::lock_guard lock(mutex_);
      std::cout << "soak: " << std::chrono::duration_cast<seconds>(Clock::now() - begin).count() << " s: sent=" << sent_
                << " fds=" << now.fds << " rss=" << now.rss << " MiB" << std::endl;
      next_report += seconds(60);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  stop_ = true;
  for (auto& w : workers) w.join();
  if (out) fault.insertCard(o_.card);
  // The last sample once the card is back and seen, as the first one had it.
  const auto settle = Clock::now();
  while (alive(o_.pid) && !identified(control) && Clock::now() - settle < seconds(30)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  const bool agent_alive = alive(o_.pid), sandbox_alive = alive(o_.sandbox_pid);
  const Sample last = agent_alive ? sample(o_.pid) : Sample{};
  const AuditRead after = agent_alive ? readAudit(control, before.last_id) : AuditRead{};

  long ok = 0, problems = 0, audited = 0;
  std::cout << "soak: " << o_.seconds << " s, " << o_.connections << " connections, card \"" << o_.card
            << "\" pulled " << pulls << " times (" << o_.pull_for << " s out every " << o_.pull_every << " s)\n";
  for (const auto& [name, c] : per_call_) {
    std::cout << "soak: " << name << " sent=" << c.sent << " ok=" << c.ok << " problems=" << c.problems << "\n";
    ok += c.ok;
    problems += c.problems;
  }
  for (const auto& [code, n] : codes_) std::cout << "soak: " << code << " x" << n << "\n";
  for (const auto& [key, n] : expected_) audited += n;
  long request_rows = 0;
  for (const auto& [key, n] : after.requests) request_rows += n;
  const auto ends = [&](const char* key) { return after.session_ends.count(key) ? after.session_ends.at(key) : 0L; };
  std::cout << "soak: sent=" << sent_ << " answered=" << answered_ << " ok=" << ok << " problems=" << problems
            << " malformed=" << malformed_ << " lost=" << sent_ - answered_ << " unsent=" << unsent_ << "\n"
            << "soak: audited requests=" << audited << " audit rows=" << after.rows << " (from requests "
            << request_rows << ", session ends: card_removed " << ends("logout|card_removed") << ", login_failed "
            << ends("logout|login_failed") << ")\n"
            << "soak: agent fds " << first.fds << " -> " << last.fds << " (max " << peak.fds << ", bound +"
            << o_.fd_bound << "), rss " << first.rss << " -> " << last.rss << " MiB (max " << peak.rss << ", bound +"
            << o_.rss_bound_mib << " MiB)\n";

  std::vector<std::string> broken;
  if (!agent_alive) broken.push_back("the agent died");
  if (!sandbox_alive) broken.push_back("the sandbox died");
  if (sent_ != answered_) broken.push_back("requests without an answer");
  if (unsent_ > 0) broken.push_back("requests that could not be sent (connection refused or reset)");
  if (malformed_ > 0) broken.push_back("answers that are neither a success nor a problem with a code");
  for (const auto& [name, c] : per_call_) {
    if (c.ok == 0) broken.push_back(name + " never succeeded");
  }
  if (!sampled) broken.push_back("no first fd/RSS sample (the soak ended before --warmup)");
  if (last.fds > first.fds + o_.fd_bound) broken.push_back("open files grew beyond the bound");
  if (last.rss > first.rss + o_.rss_bound_mib) broken.push_back("RSS grew beyond the bound");
  if (!before.ok) broken.push_back("the audit rows before the soak could not be read: " + before.error);
  if (agent_alive) {
    for (auto& line : compareAudit(after, expected_, pulls)) broken.push_back(std::move(line));
  }
  for (const auto& b : broken) std::cout << "soak: FAILED: " << b << "\n";
  if (broken.empty()) std::cout << "soak: ok\n";
  return broken.empty() ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"ehagent soak driver"};
  Options o;
  app.add_option("--seconds", o.seconds, "how long the traffic runs")->capture_default_str();
  app.add_option("--port", o.port, "the agent's TCP port")->required();
  app.add_option("--pid", o.pid, "the agent's process id")->required();
  app.add_option("--sandbox-pid", o.sandbox_pid, "the sandbox's process id")->required();
  app.add_option("--key", o.key, "a client key of the agent")->required();
  app.add_option("--fault-control", o.fault_control, "the fault module's control file")->required();
  app.add_option("--sumehr", o.sumehr, "the Sumehr (KMEHR XML) to publish")->required();
  app.add_option("--card", o.card, "the token label of the eID that is pulled")->capture_default_str();
  app.add_option("--hub", o.hub, "the hub's name in the agent's config")->capture_default_str();
  app.add_option("--patient", o.patient, "the patient's SSIN")->capture_default_str();
  app.add_option("--connections", o.connections, "concurrent connections")->capture_default_str()->check(CLI::Range(1, 64));
  app.add_option("--pull-every", o.pull_every, "seconds between card pulls")->capture_default_str();
  app.add_option("--pull-for", o.pull_for, "seconds the card stays out")->capture_default_str();
  app.add_option("--warmup", o.warmup, "seconds before the first fd/RSS sample")->capture_default_str();
  app.add_option("--timeout", o.timeout, "seconds to wait for an answer")->capture_default_str();
  app.add_option("--fd-bound", o.fd_bound, "allowed growth of the agent's open files")->capture_default_str();
  app.add_option("--rss-bound", o.rss_bound_mib, "allowed growth of the agent's RSS, MiB")->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  try {
    Soak soak(o);
    return soak.run();
  } catch (const std::exception& e) {
    std::cerr << "soak: " << e.what() << "\n";
    return 2;
  }
}
