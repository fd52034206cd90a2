// status_rps: requests per second on GET /v1/status with 64 keep-alive connections (wrk), against
// nginx serving a static JSON of the same size, on this machine in the same run. Also prints the
// agent's peak RSS under that load (the `memory` figure's load part).
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <regex>
#include <string>
#include <thread>

#include "bench/bench_support.hpp"

using namespace ehagent::bench;
namespace fs = std::filesystem;

namespace {

const char* const wrk_seconds = "8";

std::string run(const std::string& command) {
  std::string out;
  if (FILE* pipe = ::popen(command.c_str(), "r")) {
    char buffer[4096];
    while (const std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) out.append(buffer, n);
    ::pclose(pipe);
  }
  return out;
}

double wrkRps(const std::string& url) {
  const std::string out = run(std::string("wrk -t2 -c64 -d") + wrk_seconds + "s " + url + " 2>&1");
  std::smatch m;
  if (!std::regex_search(out, m, std::regex(R"(Requests/sec:\s*([0-9.]+))"))) {
    throw std::runtime_error("wrk gave no figure: " + out);
  }
  const std::string errors = std::regex_search(out, m, std::regex(R"(Non-2xx or 3xx responses:\s*([0-9]+))")) ? m[1].str() : "";
  if (!errors.empty()) std::cerr << "status_rps: " << url << " gave " << errors << " non-2xx answers\n";
  std::regex_search(out, m, std::regex(R"(Requests/sec:\s*([0-9.]+))"));
  return std::stod(m[1]);
}

// nginx as this user, on a free loopback port, from a config of its own.
class Nginx {
 public:
  Nginx(const fs::path& dir, const std::string& json, unsigned short port) {
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
    pid_ = ::fork();
    if (pid_ == 0) {
      ::execlp("nginx", "nginx", "-e", (dir / "logs/error.log").c_str(), "-p", dir.c_str(), "-c",
               (dir / "nginx.conf").c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
  }
  ~Nginx() {
    if (pid_ > 0) {
      ::kill(pid_, SIGQUIT);
      ::waitpid(pid_, nullptr, 0);
    }
  }

 private:
  pid_t pid_ = -1;
};

bool answers(const std::string& url) { return run("curl -s -o /dev/null -w '%{http_code}' " + url) == "200"; }

}  // namespace

int main() {
  try {
    if (run("command -v wrk").empty() || run("command -v nginx").empty()) {
      reportMissing("status_rps", "wrk or nginx is not installed; scripts/bench.sh installs them");
      return 0;
    }
    Specimen specimen;
    InProcessAgent agent;
    HttpClient probe = HttpClient::tcp(agent.port());
    const std::string json = probe.request("GET", "/v1/status").body;

    const fs::path dir = fs::temp_directory_path() / ("ehagent-bench-nginx-" + std::to_string(::getpid()));
    const unsigned short nginx_port = static_cast<unsigned short>(agent.port() + 1);
    Nginx nginx(dir, json, nginx_port);
    const std::string nginx_url = "http://127.0.0.1:" + std::to_string(nginx_port) + "/v1/status";
    for (int i = 0; i < 100 && !answers(nginx_url); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));

    const double before = peakRssMiB();
    const double agent_rps = wrkRps("http://127.0.0.1:" + std::to_string(agent.port()) + "/v1/status");
    const double nginx_rps = wrkRps(nginx_url);
    report("status_rps.agent", agent_rps, "req/s", agent_rps / nginx_rps, ">=0.7", std::to_string(json.size()) + " byte body");
    report("status_rps.nginx", nginx_rps, "req/s");
    report("memory.peak_status_load", peakRssMiB(), "MiB", -1, "<=64", "in-process agent, idle peak was " + std::to_string(before));
    std::error_code ignored;
    fs::remove_all(dir, ignored);
  } catch (const std::exception& e) {
    std::cerr << "status_rps: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
