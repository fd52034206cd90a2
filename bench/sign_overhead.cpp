// sign_overhead: the signature step of a JWT through the real `ehagent serve` (POST /v1/tokens/jwt
// kind=practitioner, signed with the eID Authentication key: HTTP, JSON, claims, C_Sign on the
// card queue, the audit row) over one kept-alive TCP connection and over the Unix socket, against
// the raw C_Sign with the same key on the same SoftHSM token from this process. The three are
// sampled in turn, round after round, so that a busy machine weighs on floor and API alike.
// One agent per card: practitioner_ssin picks Alice (RSA-2048) or Bob (EC P-384).
//
// What the difference is made of, measured in the same rounds: the HTTP round trip alone (GET
// /v1/status on the same TCP connection: no card, no audit) and one audit row appended by this
// process to a SQLite file of its own on the same filesystem (WAL, synchronous=FULL, as the agent).
//
// Also, outside the budget: POST /v1/sign with the eID Signature key, which asks the PIN for every
// signature through the pinentry (a process per signature), against C_Sign with its
// context-specific login.
#include <iostream>
#include <string>
#include <vector>

#include "bench/agent_process.hpp"
#include "bench/bench_support.hpp"
#include "agent/store/audit.hpp"

using namespace ehagent;
using namespace ehagent::bench;

namespace {

constexpr int rounds = 400;
constexpr int warmup = 40;
constexpr int pinentry_rounds = 40;

const std::string jwt_body = R"({"kind":"practitioner","audience":"https://emr.example"})";
const std::string sign_body = R"({"data":"SGVsbG8sIEJlbGdpYW4gZUlEIQ=="})";

void expectOk(const HttpAnswer& answer, const std::string& what) {
  if (answer.status != 200) throw std::runtime_error(what + " answered " + std::to_string(answer.status) + ": " + answer.body);
}

std::string pins(int count) {
  std::string script;
  for (int i = 0; i < count; ++i) script += "pin " + std::string(specimen_pin) + "\n";
  return script;
}

void reportPair(const std::string& name, const Samples& api, const Samples& floor, const std::string& budget) {
  report(name + ".p50", api.percentile(50), "ms", api.percentile(50) / floor.percentile(50), budget);
  report(name + ".p99", api.percentile(99), "ms", api.percentile(99) / floor.percentile(99));
}

void measureJwt(const std::shared_ptr<pkcs11::Module>& module, const SpecimenCard& card, AgentProcess& agent) {
  const Secret pin(specimen_pin);
  OpenKey open = openKey(module, card.eid_token, "Authentication", pin);
  const std::vector<std::uint8_t> digest(card.digest_bytes, 0x5a);
  HttpClient tcp = HttpClient::tcp(agent.port());
  HttpClient unix = HttpClient::unix(agent.socketPath());
  const auto raw = [&] { (void)open.session->signDigest(open.key, card.hash, digest); };
  const auto viaTcp = [&] { expectOk(tcp.request("POST", "/v1/tokens/jwt", jwt_body, agent.clientKey()), "JWT over TCP"); };
  const auto viaUnix = [&] { expectOk(unix.request("POST", "/v1/tokens/jwt", jwt_body, agent.clientKey()), "JWT over Unix"); };
  const auto status = [&] { expectOk(tcp.request("GET", "/v1/status"), "GET /v1/status"); };
  TempDir audit_dir("ehagent-bench-audit");
  agent::AuditLog audit(audit_dir.path() / "audit.sqlite");
  const agent::AuditEntry entry{"BenchEMR", card.ssin, "jwt-practitioner", "", std::string(64, 'a'), "ok", ""};
  const auto auditRow = [&] { (void)audit.append(entry); };
  for (int i = 0; i < warmup; ++i) {
    raw();
    viaTcp();
    viaUnix();
    status();
    auditRow();
  }
  Samples floor, over_tcp, over_unix, http_only, audit_only;
  for (int i = 0; i < rounds; ++i) {
    timeOnce(floor, raw);
    timeOnce(over_tcp, viaTcp);
    timeOnce(over_unix, viaUnix);
    timeOnce(http_only, status);
    timeOnce(audit_only, auditRow);
  }
  const std::string prefix = "sign_overhead." + card.name;
  report(prefix + ".c_sign.p50", floor.percentile(50), "ms", -1, "", "Authentication key, this process");
  report(prefix + ".c_sign.p99", floor.percentile(99), "ms");
  reportPair(prefix + ".jwt.tcp", over_tcp, floor, "<=1.15");
  reportPair(prefix + ".jwt.unix", over_unix, floor, "<=1.15");
  report(prefix + ".part.http_status_roundtrip.p50", http_only.percentile(50), "ms", -1, "", "GET /v1/status, same TCP connection");
  report(prefix + ".part.audit_row.p50", audit_only.percentile(50), "ms", -1, "", "one SQLite audit row, fsync'd");
}

void measureGenericSign(const std::shared_ptr<pkcs11::Module>& module, const SpecimenCard& card, AgentProcess& agent) {
  const Secret pin(specimen_pin);
  OpenKey open = openKey(module, card.eid_token, "Signature", pin);
  const std::vector<std::uint8_t> digest(card.digest_bytes, 0x5a);
  HttpClient tcp = HttpClient::tcp(agent.port());
  Samples floor, api;
  for (int i = 0; i < pinentry_rounds; ++i) {
    timeOnce(floor, [&] { (void)open.session->signDigest(open.key, card.hash, digest, &pin); });
    timeOnce(api, [&] { expectOk(tcp.request("POST", "/v1/sign", sign_body, agent.clientKey()), "POST /v1/sign"); });
  }
  const std::string prefix = "sign_overhead." + card.name + ".v1_sign_with_pinentry";
  report(prefix + ".c_sign.p50", floor.percentile(50), "ms", -1, "", "Signature key, context login included");
  reportPair(prefix + ".tcp", api, floor, "");
}

}  // namespace

int main() {
  try {
    Specimen specimen;
    const auto module = pkcs11::Module::load(softhsm_module);
    for (const SpecimenCard& card : specimenCards()) {
      // Two PINs for the login (eID, eHealth), then one per POST /v1/sign.
      AgentProcess agent({card.ssin, pins(2 + pinentry_rounds)});
      agent.waitUntilReady();
      agent.waitForPractitioner(card.ssin);
      agent.logIn();
      measureJwt(module, card, agent);
      measureGenericSign(module, card, agent);
    }
  } catch (const std::exception& e) {
    std::cerr << "sign_overhead: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
