// memory: the agent's RSS when idle with both specimen eID cards present (module loaded, a session
// on each), and its peak with 1,000 signature requests queued at once (64 connections, each with
// 16 pipelined POST /v1/sign). The peak under the status load is printed by status_rps.
#include <iostream>
#include <string>
#include <thread>
#include <utility>  // before asio: Boost 1.74 awaitable.hpp uses std::exchange without it
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include "bench/bench_support.hpp"

using namespace ehagent;
using namespace ehagent::bench;
namespace asio = boost::asio;
namespace http = boost::beast::http;

namespace {

constexpr int connections = 64;
constexpr int per_connection = 16;  // 1,024 requests in flight

// Sends every request before reading any answer; returns how many answers came back.
int flood(unsigned short port, const std::string& key) {
  std::string pipelined;
  const std::string body = R"({"data":"SGVsbG8sIEJlbGdpYW4gZUlEIQ=="})";
  for (int i = 0; i < per_connection; ++i) {
    pipelined += "POST /v1/sign HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) + "\r\nAuthorization: Bearer " + key +
                 "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  }
  asio::io_context io;
  std::vector<asio::ip::tcp::socket> sockets;
  for (int c = 0; c < connections; ++c) {
    sockets.emplace_back(io).connect({asio::ip::make_address("127.0.0.1"), port});
    asio::write(sockets.back(), asio::buffer(pipelined));
  }
  int answered = 0;
  for (auto& socket : sockets) {
    boost::beast::flat_buffer buffer;
    for (int i = 0; i < per_connection; ++i) {
      http::response<http::string_body> response;
      boost::system::error_code ec;
      http::read(socket, buffer, response, ec);
      if (ec) break;
      ++answered;
    }
  }
  return answered;
}

}  // namespace

int main() {
  try {
    Specimen specimen;
    const auto module = pkcs11::Module::load(softhsm_module);
    std::vector<pkcs11::Session> sessions;
    for (const pkcs11::SlotId slot : module->slotIds(true)) {
      const std::string label = module->tokenInfo(slot).label;
      if (label == "Alice SPECIMEN" || label == "Bob SPECIMEN") sessions.emplace_back(module, slot);
    }
    InProcessAgent agent;
    HttpClient client = HttpClient::tcp(agent.port());
    for (int i = 0; i < 20; ++i) (void)client.request("GET", "/v1/status");
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    report("memory.idle", rssMiB(), "MiB", -1, "<=15",
           std::to_string(sessions.size()) + " eID cards present; in-process agent, SoftHSM included");
    const int answered = flood(agent.port(), agent.clientKey());
    report("memory.peak_queued_signatures", peakRssMiB(), "MiB", -1, "<=64",
           std::to_string(answered) + "/" + std::to_string(connections * per_connection) + " answered");
  } catch (const std::exception& e) {
    std::cerr << "memory: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
