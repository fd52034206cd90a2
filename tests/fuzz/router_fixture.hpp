#pragma once
// What the two router harnesses share: one ServerContext per fuzzing process (a private state
// folder with its audit log and a client registered under a fixed key, so that seed requests can
// carry `Authorization: Bearer <fixed_client_key>`), the full router, and a driver that runs one
// request through Router::handle on a private io_context, as a connection does, without a socket.
// Every answer must be JSON or problem+json (or a problem's page); a 500 means an exception the
// router did not expect, which is a finding.
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <utility>  // before asio: Boost 1.74 awaitable.hpp uses std::exchange without it

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include "agent/store/audit.hpp"
#include "agent/session/card_queue.hpp"
#include "agent/session/worker_pool.hpp"
#include "agent/store/clients.hpp"
#include "core/bytes.hpp"
#include "core/digest.hpp"
#include "core/random.hpp"
#include "core/time.hpp"
#include "core/base64.hpp"
#include "agent/store/events.hpp"
#include "agent/http/router.hpp"
#include "agent/routes/routes.hpp"

namespace ehagent::fuzz {

inline constexpr const char* fixed_client_key = "fuzz-client-key-5m3Qd8YtV0rKpL2w";
inline constexpr unsigned short fuzz_port = 17443;

class RouterFixture {
 public:
  RouterFixture()
      : dir_(makeDir()),
        clients_(writeClients(dir_)),
        audit_(dir_ / "audit.sqlite"),
        queues_(8),
        network_(1, 8),
        state_(events_),
        context_{agent::Config{}, clients_, audit_, queues_, network_, events_, state_, "fuzz"},
        router_(agent::makeRouter()) {
    spdlog::set_level(spdlog::level::off);  // one log line per input would drown the fuzzer
  }
  ~RouterFixture() {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  const agent::Router& router() const { return router_; }

  agent::Response handle(const agent::Request& request) {
    agent::RequestContext context{context_, agent::tcpAcceptedHosts(fuzz_port), {}, {}, {}, false, {}};
    boost::asio::io_context io;
    auto future = boost::asio::co_spawn(io, router_.handle(request, context), boost::asio::use_future);
    io.run();
    agent::Response response = future.get();  // Router::handle maps every exception itself
    checkAnswer(response);
    return response;
  }

 private:
  static std::filesystem::path makeDir() {
    // tmpfs when there is one: the audit log syncs every row.
    const std::filesystem::path base =
        std::filesystem::is_directory("/dev/shm") ? "/dev/shm" : std::filesystem::temp_directory_path();
    const auto dir = base / ("ehagent-fuzz-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    return dir;
  }
  static std::filesystem::path writeClients(const std::filesystem::path& dir) {
    const nlohmann::json doc = {
        {"version", 1},
        {"clients", {{{"name", "fuzz"}, {"key_sha256", ehagent::sha256Hex(fixed_client_key)}, {"created", "2026-01-01T00:00:00Z"}}}}};
    std::ofstream(dir / "clients.json") << doc.dump();
    return dir / "clients.json";
  }
  static void checkAnswer(const agent::Response& response) {
    const auto type = response[agent::http::field::content_type];
    const bool json = type == "application/json" || type == "application/problem+json" ||
                      type.starts_with("text/event-stream") || response.body().empty() ||
                      type == "text/html; charset=utf-8";  // GET /problems/{code}
    if (!json || response.result_int() == 500) {
      std::fprintf(stderr, "unexpected answer %u (%.*s): %s\n", response.result_int(),
                   static_cast<int>(type.size()), type.data(), response.body().c_str());
      std::abort();
    }
  }

  std::filesystem::path dir_;
  agent::ClientStore clients_;
  agent::AuditLog audit_;
  agent::CardQueues queues_;
  agent::WorkerPool network_;
  agent::EventBus events_;
  agent::StateBoard state_;
  agent::ServerContext context_;
  agent::Router router_;
};

}  // namespace ehagent::fuzz
