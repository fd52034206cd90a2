// The load and fault soak's client: for --seconds it sends mixed traffic to a running agent over
// kept-alive loopback connections, pulls and re-inserts a card every 20 s through the fault
// module's control file, samples the agent's open files and RSS, and at the end checks that the
// agent still lives, every request got a success or a problem answer with a code, fds and RSS grew
// within bounds, and the audit log gained one row per audited request. Prints the counts; exits
// non-zero on any broken check. scripts/soak.sh starts the agent and calls this.
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <string>
#include <thread>
#include <utility>  // before asio: Boost 1.74 awaitable.hpp uses std::exchange without it
#include <vector>

#include <CLI/CLI.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

namespace asio = boost::asio;
namespace http = boost::beast::http;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

struct Call {
  http::verb method;
  std::string target;
  std::string body;
  bool audited;  // the agent writes one audit row for it, whatever the outcome
};

const std::vector<Call> mix = {
    {http::verb::get, "/v1/status", "", false},
    {http::verb::get, "/v1/cards", "", false},
    {http::verb::get, "/v1/tokens/saml", "", true},
    {http::verb::post, "/v1/sign", R"({"data":"U29hayB0ZXN0"})", true},
    {http::verb::post, "/v1/hubs/rsw/consents", R"({"patient":{"ssin":"15062034820"},"date":"2026-11-20"})", true},
};

struct Counts {
  long sent = 0, answered = 0, ok = 0, problems = 0, malformed = 0, audited = 0, connection_errors = 0;
  std::map<std::string, long> by_code;
};

std::size_t openFiles(int pid) {
  std::size_t n = 0;
  std::error_code ec;
  for (auto it = fs::directory_iterator("/proc/" + std::to_string(pid) + "/fd", ec); !ec && it != fs::directory_iterator(); ++it) ++n;
  return n;
}

double rssMiB(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  }
  return -1;
}

long auditRows(asio::ip::tcp::socket& socket, const std::string& host, const std::string& key) {
  http::request<http::string_body> request{http::verb::get, "/v1/audit?limit=1000000", 11};
  request.set(http::field::host, host);
  request.set(http::field::authorization, "Bearer " + key);
  http::write(socket, request);
  boost::beast::flat_buffer buffer;
  http::response<http::string_body> response;
  http::read(socket, buffer, response);
  const auto doc = nlohmann::json::parse(response.body(), nullptr, false);
  if (doc.is_array()) return static_cast<long>(doc.size());
  if (doc.is_object() && doc.contains("rows") && doc["rows"].is_array()) return static_cast<long>(doc["rows"].size());
  return -1;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"ehagent soak driver"};
  int seconds = 600, port = 0, pid = 0;
  std::string key, fault_control, card = "Alice SPECIMEN";
  app.add_option("--seconds", seconds);
  app.add_option("--port", port)->required();
  app.add_option("--pid", pid)->required();
  app.add_option("--key", key)->required();
  app.add_option("--fault-control", fault_control, "the fault module's control file (card pulls)");
  CLI11_PARSE(app, argc, argv);

  const std::string host = "127.0.0.1:" + std::to_string(port);
  asio::io_context io;
  asio::ip::tcp::socket socket(io);
  socket.connect({asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)});
  const long audit_before = auditRows(socket, host, key);
  const std::size_t fds_before = openFiles(pid);
  const double rss_before = rssMiB(pid);
  double rss_max = rss_before;
  std::size_t fds_max = fds_before;

  Counts counts;
  boost::beast::flat_buffer buffer;
  const auto start = Clock::now();
  auto next_pull = start + std::chrono::seconds(20);
  bool pulled = false;
  for (std::size_t i = 0; Clock::now() - start < std::chrono::seconds(seconds); ++i) {
    if (!fault_control.empty() && Clock::now() >= next_pull) {
      // Out for 2 s, then back: the agent must log out and recover without a restart.
      std::ofstream(fault_control) << (pulled ? "" : "removed = " + card + "\n");
      next_pull = Clock::now() + std::chrono::seconds(pulled ? 18 : 2);
      pulled = !pulled;
    }
    const Call& call = mix[i % mix.size()];
    http::request<http::string_body> request{call.method, call.target, 11};
    request.set(http::field::host, host);
    request.set(http::field::authorization, "Bearer " + key);
    if (!call.body.empty()) request.set(http::field::content_type, "application/json");
    request.body() = call.body;
    request.prepare_payload();
    ++counts.sent;
    boost::system::error_code ec;
    http::write(socket, request, ec);
    http::response<http::string_body> response;
    if (!ec) http::read(socket, buffer, response, ec);
    if (ec) {
      ++counts.connection_errors;
      socket = asio::ip::tcp::socket(io);
      buffer.clear();
      socket.connect({asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)}, ec);
      if (ec) break;  // the agent is gone
      continue;
    }
    ++counts.answered;
    if (call.audited) ++counts.audited;
    if (response.result_int() < 300) {
      ++counts.ok;
      continue;
    }
    const auto doc = nlohmann::json::parse(response.body(), nullptr, false);
    if (response[http::field::content_type] == "application/problem+json" && doc.is_object() && doc.contains("code")) {
      ++counts.problems;
      ++counts.by_code[doc["code"].get<std::string>()];
    } else {
      ++counts.malformed;
    }
    if (i % 500 == 0) {
      rss_max = std::max(rss_max, rssMiB(pid));
      fds_max = std::max(fds_max, openFiles(pid));
    }
  }
  if (!fault_control.empty()) std::ofstream(fault_control) << "";

  const bool alive = ::kill(pid, 0) == 0;
  const std::size_t fds_after = alive ? openFiles(pid) : 0;
  const double rss_after = alive ? rssMiB(pid) : -1;
  long audit_after = -1;
  if (alive) {
    asio::ip::tcp::socket fresh(io);
    fresh.connect({asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)});
    audit_after = auditRows(fresh, host, key);
  }
  std::cout << "soak: sent=" << counts.sent << " answered=" << counts.answered << " ok=" << counts.ok
            << " problems=" << counts.problems << " malformed=" << counts.malformed
            << " connection_errors=" << counts.connection_errors << " audited=" << counts.audited
            << " audit_rows=" << (audit_after - audit_before) << "\n";
  for (const auto& [code, n] : counts.by_code) std::cout << "soak: problem " << code << " x" << n << "\n";
  std::cout << "soak: fds " << fds_before << " -> " << fds_after << " (max " << fds_max << "), rss " << rss_before
            << " -> " << rss_after << " MiB (max " << rss_max << ")\n";

  std::vector<std::string> broken;
  if (!alive) broken.push_back("the agent died");
  if (counts.sent != counts.answered) broken.push_back("requests without an answer");
  if (counts.malformed > 0) broken.push_back("answers that are neither success nor a problem with a code");
  if (fds_after > fds_before + 16) broken.push_back("file descriptors grew by more than 16");
  if (rss_after > rss_before + 32) broken.push_back("RSS grew by more than 32 MiB");
  if (audit_before < 0 || audit_after - audit_before != counts.audited) broken.push_back("audit rows != audited requests");
  for (const auto& b : broken) std::cout << "soak: FAILED: " << b << "\n";
  return broken.empty() ? 0 : 1;
}
