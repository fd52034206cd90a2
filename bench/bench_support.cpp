#include "bench/bench_support.hpp"

#include <stdlib.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <optional>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <utility>  // before asio: Boost 1.74 awaitable.hpp uses std::exchange without it

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

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

Specimen::Specimen() : dir_("ehagent-bench-specimen") {
  const auto made = testsupport::runCommand(
      {EHAGENT_BENCH_SANDBOX_EXE, "specimen", "--out", (dir_.path() / "specimen").string()});
  if (made.exitCode != 0) throw std::runtime_error("ehagent-sandbox specimen failed: " + made.out + made.err);
  ::setenv("SOFTHSM2_CONF", (dir_.path() / "specimen" / "softhsm2.conf").c_str(), 1);
}

const std::vector<SpecimenCard>& specimenCards() {
  static const std::vector<SpecimenCard> cards = {
      {"rsa2048", "Alice SPECIMEN", "78031215280", pkcs11::HashAlgorithm::Sha256, 32},
      {"ecp384", "Bob SPECIMEN", "82110523358", pkcs11::HashAlgorithm::Sha384, 48},
  };
  return cards;
}

OpenKey openKey(const std::shared_ptr<pkcs11::Module>& module, const std::string& token_label,
                const std::string& key_label, const Secret& pin) {
  for (const pkcs11::SlotId slot : module->slotIds(true)) {
    if (module->tokenInfo(slot).label != token_label) continue;
    OpenKey open{std::make_unique<pkcs11::Session>(module, slot), {}};
    if (!open.session->loggedIn()) open.session->login(pin);
    const auto keys = open.session->find(pkcs11::ObjectClass::PrivateKey, key_label);
    if (keys.empty()) throw std::runtime_error("no key '" + key_label + "' on " + token_label);
    open.key = open.session->keyFacts(keys.front());
    return open;
  }
  throw std::runtime_error("no token '" + token_label + "' in the specimen");
}

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

bool answersStatus(unsigned short port) {
  try {
    return HttpClient::tcp(port).request("GET", "/v1/status").status == 200;
  } catch (const std::exception&) {
    return false;
  }
}

double wrkRps(const std::string& url, int seconds, const std::string& bearer) {
  std::vector<std::string> argv = {"wrk", "-t2", "-c64", "-d" + std::to_string(seconds) + "s"};
  if (!bearer.empty()) argv.insert(argv.end(), {"-H", "Authorization: Bearer " + bearer});
  argv.push_back(url);
  const auto wrk = testsupport::runCommand(argv);
  const std::string output = wrk.out + wrk.err;
  std::smatch m;
  if (!std::regex_search(output, m, std::regex(R"(Requests/sec:\s*([0-9.]+))"))) {
    throw std::runtime_error("wrk gave no figure for " + url + ": " + output);
  }
  const double rps = std::stod(m[1]);
  if (std::regex_search(output, std::regex(R"(Non-2xx or 3xx responses|Socket errors)"))) {
    throw std::runtime_error("wrk saw failed requests on " + url + ": " + output);
  }
  return rps;
}

}  // namespace ehagent::bench
