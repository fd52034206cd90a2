// status_rps: requests per second on a client's GET /v1/status (its key checked) of the real
// `ehagent serve` (every specimen card present and read), with 64 keep-alive connections
// (wrk -t2 -c64), against nginx serving a static JSON of the same size, on this machine in the
// same run and with the same wrk settings.
// The two are measured in turn, twice each, and the better run of each is kept: on a shared
// machine a neighbour's burst can only lower a run, never raise it. The agent runs at its default
// log level, which writes a line per request; nginx's access log is off.
#include <algorithm>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <thread>

#include "bench/agent_process.hpp"
#include "bench/bench_support.hpp"
#include "tests/support/child_process.hpp"

using namespace ehagent::bench;
namespace fs = std::filesystem;

namespace {

constexpr int wrk_seconds = 8;
constexpr int turns = 2;

// nginx as this user, on a free loopback port, from a config of its own.
class Nginx {
 public:
  Nginx(const fs::path& dir, const std::string& json, unsigned short port) {
    // Started as root, nginx's workers run as an unprivileged user that must read the file.
    fs::permissions(dir, fs::perms::owner_all | fs::perms::group_exec | fs::perms::others_exec);
    fs::create_directories(dir / "www/v1");
    fs::create_directories(dir / "logs");
    std::ofstream(dir / "www/v1/status") << json;
    std::ofstream(dir / "nginx.conf")
        << "worker_processes 2;\npid " << (dir / "nginx.pid").string() << ";\nerror_log " << (dir / "logs/error.log").string()
        << ";\ndaemon off;\nevents { worker_connections 256; }\nhttp {\n access_log off;\n keepalive_requests 100000;\n"
        << " client_body_temp_path " << dir.string() << "/tmp;\n proxy_temp_path " << dir.string() << "/tmp;\n"
        << " fastcgi_temp_path " << dir.string() << "/tmp;\n uwsgi_temp_path " << dir.string() << "/tmp;\n"
        << " scgi_temp_path " << dir.string() << "/tmp;\n"
        << " server { listen 127.0.0.1:" << port << "; root " << (dir / "www").string()
        << "; default_type application/json; }\n}\n";
    process_ = std::make_unique<ehagent::testsupport::ChildProcess>(ehagent::testsupport::ChildOptions{
        .argv = {"nginx", "-e", (dir / "logs/error.log").string(), "-p", dir.string(), "-c", (dir / "nginx.conf").string()},
        .stop_signal = SIGQUIT});  // nginx's graceful stop
  }

 private:
  std::unique_ptr<ehagent::testsupport::ChildProcess> process_;
};

}  // namespace

int main() {
  try {
    if (!commandExists("wrk") || !commandExists("nginx")) {
      reportMissing("status_rps", "wrk or nginx is not installed; scripts/bench.sh installs them");
      return 0;
    }
    Specimen specimen;
    const std::string alice = "78031215280";
    // limits.max_connections above wrk's 64, so that a probe's lingering connection never makes
    // wrk count a refusal.
    AgentProcess agent({alice, "", 8, 128});
    agent.waitUntilReady();
    agent.waitForPractitioner(alice);
    // A client's status (with its key): the answer that names the readers and the practitioner.
    const std::string json = HttpClient::tcp(agent.port()).request("GET", "/v1/status", {}, agent.clientKey()).body;

    TempDir dir("ehagent-bench-nginx");
    const unsigned short nginx_port = freePort();
    Nginx nginx(dir.path(), json, nginx_port);
    for (int i = 0; i < 200 && !answersStatus(nginx_port); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    if (HttpClient::tcp(nginx_port).request("GET", "/v1/status").body != json) throw std::runtime_error("nginx serves another body");

    double agent_rps = 0, nginx_rps = 0;
    for (int turn = 0; turn < turns; ++turn) {
      agent_rps = std::max(agent_rps, wrkRps("http://127.0.0.1:" + std::to_string(agent.port()) + "/v1/status", wrk_seconds,
                                              agent.clientKey()));
      nginx_rps = std::max(nginx_rps, wrkRps("http://127.0.0.1:" + std::to_string(nginx_port) + "/v1/status", wrk_seconds));
    }
    const std::string runs = "best of " + std::to_string(turns) + " wrk -t2 -c64 -d" + std::to_string(wrk_seconds) + "s";
    report("status_rps.agent", agent_rps, "req/s", agent_rps / nginx_rps, ">=0.9",
           std::to_string(json.size()) + " byte body, " + runs);
    report("status_rps.nginx", nginx_rps, "req/s", -1, "", "same body, " + runs);
  } catch (const std::exception& e) {
    std::cerr << "status_rps: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
