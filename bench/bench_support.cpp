#include "bench/bench_support.hpp"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <utility>  // before asio: Boost 1.74 awaitable.hpp uses std::exchange without it

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include "agent/audit.hpp"
#include "agent/card_queue.hpp"
#include "agent/clients.hpp"
#include "agent/events.hpp"
#include "agent/router.hpp"
#include "agent/server.hpp"
#include "sandbox/specimen.hpp"

namespace ehagent::bench {

namespace fs = std::filesystem;
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

void Samples::add(std::chrono::steady_clock::duration d) {
  ms.push_back(std::chrono::duration<double, std::milli>(d).count());
}

double Samples::percentile(double p) const {
  if (ms.empty()) return 0;
  std::vector<double> sorted = ms;
  std::sort(sorted.begin(), sorted.end());
  const auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(sorted.size())));
  return sorted[std::min(sorted.size() - 1, rank == 0 ? 0 : rank - 1)];
}

void report(const std::string& name, double value, const std::string& unit, double ratio, const std::string& budget,
            const std::string& note) {
  std::ostringstream line;
  line.setf(std::ios::fixed);
  line.precision(value >= 100 ? 0 : 3);
  line << name << ' ' << value << ' ' << unit;
  if (ratio >= 0) {
    line.precision(3);
    line << " ratio=" << ratio;
  }
  if (!budget.empty()) line << " budget=" << budget;
  if (!note.empty()) line << " (" << note << ")";
  std::cout << line.str() << std::endl;
}

void reportMissing(const std::string& name, const std::string& reason) {
  std::cout << name << " n/a (" << reason << ")" << std::endl;
}

namespace {

fs::path freshDir(const std::string& prefix) {
  const fs::path dir = fs::temp_directory_path() / (prefix + "-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

}  // namespace

Specimen::Specimen() : dir_(freshDir("ehagent-bench-specimen")) {
  std::ostringstream log;
  sandbox::writeSpecimen({dir_, softhsm_module}, log);  // sets SOFTHSM2_CONF for this process
}

Specimen::~Specimen() {
  std::error_code ignored;
  fs::remove_all(dir_, ignored);
}

OpenKey openKey(const std::shared_ptr<pkcs11::Module>& module, const std::string& token_label,
                const std::string& key_label, const Secret& pin) {
  for (const pkcs11::SlotId slot : module->slotIds(true)) {
    if (module->tokenInfo(slot).label != token_label) continue;
    OpenKey open{std::make_unique<pkcs11::Session>(module, slot), 0};
    open.session->login(pin);
    const auto keys = open.session->find(pkcs11::ObjectClass::PrivateKey, key_label);
    if (keys.empty()) throw std::runtime_error("no key '" + key_label + "' on " + token_label);
    open.key = keys.front();
    return open;
  }
  throw std::runtime_error("no token '" + token_label + "' in the specimen");
}

struct InProcessAgent::Impl {
  fs::path dir = freshDir("ehagent-bench-agent");
  agent::ClientStore clients{dir / "clients.json"};
  std::string key = clients.add("bench");
  agent::AuditLog audit{dir / "audit.sqlite"};
  agent::CardQueues queues{1000};
  agent::EventBus events;
  agent::StateBoard state{events};
  agent::ServerContext context{agent::Config{}, clients, audit, queues, events, state, "bench"};
  std::unique_ptr<agent::Server> server;
  std::thread thread;
};

InProcessAgent::InProcessAgent(int io_threads) : impl_(std::make_unique<Impl>()) {
  spdlog::set_level(spdlog::level::warn);  // a line per request would measure the terminal
  agent::ServerOptions options;
  options.tcp = {"127.0.0.1", 0};
  options.socket = impl_->dir / "agent.sock";
  options.io_threads = io_threads;
  impl_->server = std::make_unique<agent::Server>(impl_->context, agent::makeRouter(), options);
  impl_->server->bind();
  impl_->thread = std::thread([this] { impl_->server->run(); });
}

InProcessAgent::~InProcessAgent() {
  impl_->server->stop();
  if (impl_->thread.joinable()) impl_->thread.join();
  std::error_code ignored;
  fs::remove_all(impl_->dir, ignored);
}

unsigned short InProcessAgent::port() const { return impl_->server->tcpPort(); }
fs::path InProcessAgent::socketPath() const { return impl_->dir / "agent.sock"; }
const std::string& InProcessAgent::clientKey() const { return impl_->key; }

struct HttpClient::Impl {
  asio::io_context io;
  std::optional<asio::ip::tcp::socket> tcp;
  std::optional<asio::local::stream_protocol::socket> unix;
  std::string host;
  beast::flat_buffer buffer;

  template <class Socket>
  HttpAnswer exchange(Socket& socket, http::request<http::string_body>& request) {
    http::write(socket, request);
    http::response<http::string_body> response;
    http::read(socket, buffer, response);
    return {response.result_int(), std::move(response.body())};
  }
};

HttpClient::HttpClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HttpClient::~HttpClient() = default;
HttpClient::HttpClient(HttpClient&&) noexcept = default;

HttpClient HttpClient::tcp(unsigned short port) {
  auto impl = std::make_unique<Impl>();
  impl->tcp.emplace(impl->io);
  impl->tcp->connect({asio::ip::make_address("127.0.0.1"), port});
  impl->tcp->set_option(asio::ip::tcp::no_delay(true));
  impl->host = "127.0.0.1:" + std::to_string(port);
  return HttpClient(std::move(impl));
}

HttpClient HttpClient::unix(const fs::path& socket) {
  auto impl = std::make_unique<Impl>();
  impl->unix.emplace(impl->io);
  impl->unix->connect(asio::local::stream_protocol::endpoint(socket.string()));
  impl->host = "localhost";
  return HttpClient(std::move(impl));
}

HttpAnswer HttpClient::request(const std::string& method, const std::string& target, const std::string& body,
                               const std::string& bearer) {
  http::request<http::string_body> request{http::string_to_verb(method), target, 11};
  request.set(http::field::host, impl_->host);
  request.keep_alive(true);
  if (!bearer.empty()) request.set(http::field::authorization, "Bearer " + bearer);
  if (!body.empty()) request.set(http::field::content_type, "application/json");
  request.body() = body;
  request.prepare_payload();
  return impl_->tcp ? impl_->exchange(*impl_->tcp, request) : impl_->exchange(*impl_->unix, request);
}

namespace {

double statusFieldMiB(const std::string& field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field + ":", 0) == 0) return std::stod(line.substr(field.size() + 1)) / 1024.0;  // kB
  }
  return -1;
}

}  // namespace

double rssMiB() { return statusFieldMiB("VmRSS"); }
double peakRssMiB() { return statusFieldMiB("VmHWM"); }

}  // namespace ehagent::bench
