#pragma once
// What the bench programs share: timing samples and their percentiles, the one output format
// (`name value unit ratio=<x> budget=<...>`), the specimen cards in a private SoftHSM2 folder
// (written by the real `ehagent-sandbox specimen`), a key on a specimen token for the raw C_Sign
// floor, a keep-alive HTTP client for both transports, and wrk.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "core/secret.hpp"
#include "pkcs11/module.hpp"
#include "pkcs11/session.hpp"
#include "tests/support/support.hpp"

namespace ehagent::bench {

// Durations in milliseconds.
struct Samples {
  std::vector<double> ms;
  void add(std::chrono::steady_clock::duration d);
  [[nodiscard]] double percentile(double p) const;  // p in [0, 100]
};

// Times one call of `fn` into `samples`.
template <class Fn>
void timeOnce(Samples& samples, Fn&& fn) {
  const auto start = std::chrono::steady_clock::now();
  fn();
  samples.add(std::chrono::steady_clock::now() - start);
}

// Times `fn` `count` times after `warmup` untimed calls.
template <class Fn>
Samples timeEach(int count, int warmup, Fn&& fn) {
  for (int i = 0; i < warmup; ++i) fn();
  Samples s;
  for (int i = 0; i < count; ++i) timeOnce(s, fn);
  return s;
}

// One figure: "name value unit [ratio=x] [budget=...] [(note)]".
void report(const std::string& name, double value, const std::string& unit, double ratio = -1,
            const std::string& budget = {}, const std::string& note = {});
// A figure that cannot be measured in this build, with the reason.
void reportMissing(const std::string& name, const std::string& reason);

// Folders, files and programs as the tests handle them (tests/support).
using testsupport::TempDir;
using testsupport::commandExists;
using testsupport::freePort;

// A private specimen (`ehagent-sandbox specimen --out DIR`) with SOFTHSM2_CONF pointing at it in
// this process and in the agents it spawns; removed at the end. Load the PKCS#11 module after it.
class Specimen {
 public:
  Specimen();
  [[nodiscard]] const std::filesystem::path& dir() const noexcept { return dir_.path(); }

 private:
  TempDir dir_;
};

inline constexpr const char* softhsm_module = "/usr/lib/softhsm/libsofthsm2.so";
inline constexpr const char* specimen_pin = "1234";

// The two practitioner cards of the specimen: the eID token, its holder's SSIN (the agent's
// practitioner_ssin) and the digest its Authentication key signs in a JWT.
struct SpecimenCard {
  std::string name;  // figure prefix
  std::string eid_token;
  std::string ssin;
  pkcs11::HashAlgorithm hash;
  std::size_t digest_bytes;
};
const std::vector<SpecimenCard>& specimenCards();  // RSA-2048 (Alice), EC P-384 (Bob)

// A logged-in session of this process on the specimen token with this label, and one of its
// private keys.
struct OpenKey {
  std::unique_ptr<pkcs11::Session> session;
  // Read once, as the agent does at login: the floor is C_SignInit and C_Sign alone.
  pkcs11::KeyFacts key;
};
OpenKey openKey(const std::shared_ptr<pkcs11::Module>& module, const std::string& token_label,
                const std::string& key_label, const Secret& pin);

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

// Whether GET /v1/status on this loopback port answers 200 now (false when nothing listens).
bool answersStatus(unsigned short port);

// `wrk -t2 -c64 -d<seconds>s url` (with `Authorization: Bearer <bearer>` when given): requests per
// second; throws when wrk saw errors or non-2xx answers, so that a refused connection never
// passes for throughput.
double wrkRps(const std::string& url, int seconds, const std::string& bearer = {});

}  // namespace ehagent::bench
