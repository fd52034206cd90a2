// memory: the resident set of the real `ehagent serve` process (VmRSS and VmHWM from
// /proc/<pid>/status), never this one's:
//   - idle, with every specimen card present (both eIDs, both eHealth tokens) and read;
//   - its peak under the status_rps load (wrk, 64 keep-alive connections on GET /v1/status);
//   - its peak with 1,000 signature requests queued on the card: a fresh, logged-in agent with
//     card_queue_depth and limits.max_connections raised so that they queue rather than get
//     429 or a refused connection; each request is a practitioner JWT (the eID Authentication
//     key, no PIN per signature) on its own connection, and every answer is counted. SoftHSM
//     signs faster than the requests arrive, so the card is reached through the fault module
//     with a C_Sign of card_sign_ms (a real eID card takes longer): the queue then really holds
//     them all at once.
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>
#include <utility>  // before asio: Boost 1.74 awaitable.hpp uses std::exchange without it
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

#include "bench/agent_process.hpp"
#include "bench/bench_support.hpp"

using namespace ehagent;
using namespace ehagent::bench;
namespace asio = boost::asio;
namespace http = boost::beast::http;

namespace {

constexpr int queued = 1000;
constexpr int status_seconds = 6;
constexpr unsigned card_sign_ms = 10;

struct Answers {
  int ok = 0;
  int other = 0;  // any other status, or no answer
};

// Every request is written but for its last byte, so that none can start; then the last bytes go
// out together and the 1,000 requests reach the card queue within a few milliseconds.
Answers flood(const AgentProcess& agent) {
  const std::string body = R"({"kind":"practitioner","audience":"https://emr.example"})";
  const std::string request = "POST /v1/tokens/jwt HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(agent.port()) +
                              "\r\nAuthorization: Bearer " + agent.clientKey() +
                              "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
                              "\r\n\r\n" + body;
  asio::io_context io;
  std::vector<asio::ip::tcp::socket> sockets;
  sockets.reserve(queued);
  for (int i = 0; i < queued; ++i) {
    sockets.emplace_back(io).connect({asio::ip::make_address("127.0.0.1"), agent.port()});
    asio::write(sockets.back(), asio::buffer(request.data(), request.size() - 1));
  }
  for (auto& socket : sockets) asio::write(socket, asio::buffer(request.data() + request.size() - 1, 1));
  Answers answers;
  for (auto& socket : sockets) {
    boost::beast::flat_buffer buffer;
    http::response<http::string_body> response;
    boost::system::error_code ec;
    http::read(socket, buffer, response, ec);
    (!ec && response.result_int() == 200 ? answers.ok : answers.other) += 1;
  }
  return answers;
}

// The tokens GET /v1/status shows as present.
std::size_t tokensPresent(const AgentProcess& agent) {
  const auto status = nlohmann::json::parse(HttpClient::tcp(agent.port()).request("GET", "/v1/status", {}, agent.clientKey()).body,
                                            nullptr, false);
  std::size_t present = 0;
  if (status.is_object() && status.contains("readers")) {
    for (const auto& reader : status["readers"]) present += reader.value("card_present", false) ? 1 : 0;
  }
  return present;
}

// "RssAnon x MiB, RssFile y MiB": what the resident set is made of (file: mapped code and data
// of the binary and its shared libraries).
std::string rssParts(const AgentProcess& agent) {
  std::ifstream in("/proc/" + std::to_string(agent.pid()) + "/status");
  std::string line, parts;
  while (std::getline(in, line)) {
    if (line.rfind("RssAnon:", 0) != 0 && line.rfind("RssFile:", 0) != 0) continue;
    std::ostringstream part;
    part.setf(std::ios::fixed);
    part.precision(1);
    part << line.substr(0, 7) << ' ' << std::stod(line.substr(8)) / 1024.0 << " MiB";
    parts += (parts.empty() ? "" : ", ") + part.str();
  }
  return parts;
}

// /proc/<pid>/smaps_rollup in MiB: private (USS: Private_Clean + Private_Dirty, the pages no other
// process maps), shared (Shared_Clean + Shared_Dirty) and anonymous.
struct Rollup {
  double private_mib = 0;
  double shared_mib = 0;
  double anonymous_mib = 0;
};

Rollup rollup(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/smaps_rollup");
  Rollup r;
  std::string field;
  double kib = 0;
  std::string unit;
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream words(line);
    if (!(words >> field >> kib >> unit)) continue;
    if (field == "Private_Clean:" || field == "Private_Dirty:") r.private_mib += kib / 1024.0;
    if (field == "Shared_Clean:" || field == "Shared_Dirty:") r.shared_mib += kib / 1024.0;
    if (field == "Anonymous:") r.anonymous_mib += kib / 1024.0;
  }
  return r;
}

std::string rollupDetail(const Rollup& r) {
  std::ostringstream out;
  out.setf(std::ios::fixed);
  out.precision(1);
  out << "shared " << r.shared_mib << " MiB, anonymous " << r.anonymous_mib << " MiB";
  return out.str();
}

const std::string alice = "78031215280";

// Fifty practitioners on one terminal server run fifty agents: what each one adds is its private
// memory, since the binary and the libraries are shared. The second agent's is that figure (the
// first one's includes the pages it is alone in mapping, until a second one maps them).
int perUserMemory() {
  AgentProcess first({alice, "", 8, 64});
  AgentProcess second({alice, "pin 1234\npin 1234\n", 8, 64});
  first.waitUntilReady();
  second.waitUntilReady();
  first.waitForPractitioner(alice);
  second.waitForPractitioner(alice);
  std::this_thread::sleep_for(std::chrono::seconds(1));
  const Rollup idle = rollup(second.pid());
  report("memory.per_user_idle", idle.private_mib, "MiB", -1, "<=3",
         "USS of the second of two agents, idle, specimen tokens read; " + rollupDetail(idle));
  second.logIn();
  const std::string body = R"({"kind":"practitioner","audience":"https://emr.example"})";
  auto client = HttpClient::tcp(second.port());
  int signed_ok = 0;
  for (int i = 0; i < 100; ++i) {
    signed_ok += client.request("POST", "/v1/tokens/jwt", body, second.clientKey()).status == 200 ? 1 : 0;
  }
  const Rollup used = rollup(second.pid());
  report("memory.per_user_after_100_signatures", used.private_mib, "MiB", -1, "",
         "USS after a login and " + std::to_string(signed_ok) + "/100 JWTs signed; " + rollupDetail(used));
  return signed_ok == 100 ? 0 : 1;
}

}  // namespace

int main() {
  try {
    Specimen specimen;
    {
      // limits.max_connections above wrk's 64, so that a probe's lingering connection never
      // makes wrk count a refusal; the limit plays no part in memory.
      AgentProcess agent({alice, "", 8, 128});
      agent.waitUntilReady();
      agent.waitForPractitioner(alice);
      const std::size_t tokens = tokensPresent(agent);
      std::this_thread::sleep_for(std::chrono::seconds(1));
      report("memory.idle", agent.rssMiB(), "MiB", -1, "<=15",
             "VmRSS of ehagent serve, " + std::to_string(tokens) + " specimen tokens present; " + rssParts(agent));
      if (commandExists("wrk")) {
        const double rps = wrkRps("http://127.0.0.1:" + std::to_string(agent.port()) + "/v1/status", status_seconds,
                                  agent.clientKey());
        report("memory.peak_status_load", agent.peakRssMiB(), "MiB", -1, "<=64",
               "VmHWM under wrk -c64, " + std::to_string(static_cast<long>(rps)) + " req/s");
      } else {
        reportMissing("memory.peak_status_load", "wrk is not installed; scripts/bench.sh installs it");
      }
    }
    AgentOptions slow_card{alice, "pin 1234\npin 1234\n", 1024, queued + 64};
    slow_card.through_fault_module = true;
    AgentProcess agent(slow_card);
    agent.waitUntilReady();
    agent.waitForPractitioner(alice);
    agent.logIn();
    agent.fault().setSignLatency(card_sign_ms);
    const Answers answers = flood(agent);
    report("memory.peak_queued_signatures", agent.peakRssMiB(), "MiB", -1, "<=64",
           "VmHWM, " + std::to_string(answers.ok) + "/" + std::to_string(queued) + " JWTs signed, " +
               std::to_string(answers.other) + " other answers, C_Sign " + std::to_string(card_sign_ms) + " ms");
    if (answers.ok != queued) return 1;
    if (perUserMemory() != 0) return 1;
  } catch (const std::exception& e) {
    std::cerr << "memory: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
