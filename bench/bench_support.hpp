#pragma once
// What the bench programs share: timing samples and their percentiles, the one output format
// (`name value unit ratio=<x> budget=<...>`), the specimen cards in a private SoftHSM2 folder,
// an in-process agent (the real Server and Router on a free loopback port and a Unix socket),
// and a keep-alive HTTP client for both transports.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "pkcs11/module.hpp"
#include "pkcs11/secret.hpp"
#include "pkcs11/session.hpp"

namespace ehagent::bench {

// Durations in milliseconds.
struct Samples {
  std::vector<double> ms;
  void add(std::chrono::steady_clock::duration d);
  [[nodiscard]] double percentile(double p) const;  // p in [0, 100]
};

// Times `fn` `count` times after `warmup` untimed calls.
template <class Fn>
Samples timeEach(int count, int warmup, Fn&& fn) {
  for (int i = 0; i < warmup; ++i) fn();
  Samples s;
  for (int i = 0; i < count; ++i) {
    const auto start = std::chrono::steady_clock::now();
    fn();
    s.add(std::chrono::steady_clock::now() - start);
  }
  return s;
}

// One figure: "name value unit [ratio=x] [budget=...] [note]".
void report(const std::string& name, double value, const std::string& unit, double ratio = -1,
            const std::string& budget = {}, const std::string& note = {});
// A figure that cannot be measured in this build, with the reason.
void reportMissing(const std::string& name, const std::string& reason);

// A private copy of the specimen (ehagent-sandbox specimen) with SOFTHSM2_CONF pointing at it;
// removed at the end.
class Specimen {
 public:
  Specimen();
  ~Specimen();
  Specimen(const Specimen&) = delete;
  Specimen& operator=(const Specimen&) = delete;
  [[nodiscard]] const std::filesystem::path& dir() const noexcept { return dir_; }

 private:
  std::filesystem::path dir_;
};

inline constexpr const char* softhsm_module = "/usr/lib/softhsm/libsofthsm2.so";
inline constexpr const char* specimen_pin = "1234";

// A logged-in session on the specimen token with this label, and one of its private keys.
struct OpenKey {
  std::unique_ptr<pkcs11::Session> session;
  pkcs11::ObjectHandle key = 0;
};
OpenKey openKey(const std::shared_ptr<pkcs11::Module>& module, const std::string& token_label,
                const std::string& key_label, const Secret& pin);

// The agent's Server and Router in this process, with its own state folder and one registered
// client; serves on I/O threads until destroyed.
class InProcessAgent {
 public:
  explicit InProcessAgent(int io_threads = 2);
  ~InProcessAgent();
  InProcessAgent(const InProcessAgent&) = delete;
  InProcessAgent& operator=(const InProcessAgent&) = delete;
  [[nodiscard]] unsigned short port() const;
  [[nodiscard]] std::filesystem::path socketPath() const;
  [[nodiscard]] const std::string& clientKey() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

struct HttpAnswer {
  unsigned status = 0;
  std::string body;
};

// One kept-alive connection, TCP loopback or Unix socket.
class HttpClient {
 public:
  static HttpClient tcp(unsigned short port);
  static HttpClient unix(const std::filesystem::path& socket);
  ~HttpClient();
  HttpClient(HttpClient&&) noexcept;
  HttpClient& operator=(HttpClient&&) = delete;
  HttpAnswer request(const std::string& method, const std::string& target, const std::string& body = {},
                     const std::string& bearer = {});

 private:
  struct Impl;
  explicit HttpClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Resident set size of this process and its peak (VmRSS, VmHWM), in MiB.
double rssMiB();
double peakRssMiB();

}  // namespace ehagent::bench
