// The STS login against the in-process sandbox over loopback HTTPS, with the specimen eID and
// eHealth keys in SoftHSM. Prints `name value unit ratio=<x>` lines, ratios against one raw
// C_Sign (through the agent's Pkcs11Signer): the whole round trip, and the agent's own XML + signing work (building and signing
// the request and the challenge answer, reading and verifying the assertion) without C_Sign.
#include <cstdlib>
#include <iostream>
#include <sstream>

#include "bench/sts_roundtrip_signer.hpp"
#include "pkcs11/eid.hpp"
#include "pkcs11/module.hpp"
#include "core/secret.hpp"
#include "sandbox/server.hpp"
#include "sandbox/specimen.hpp"
#include "sandbox/sts_service.hpp"
#include "tokens/sign/openssl_signer.hpp"
#include "tokens/sign/pkcs11_signer.hpp"
#include "tokens/sts/client.hpp"
#include "tokens/sts/messages.hpp"
#include "tests/support/support.hpp"
#include "tokens/xml/wssecurity.hpp"

namespace {

using namespace ehagent;
using Steady = std::chrono::steady_clock;
namespace fs = std::filesystem;

double ms(Steady::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

pkcs11::SlotId slotOf(pkcs11::Module& module, const std::string& label) {
  for (const auto slot : module.slotIds(true)) {
    if (module.tokenInfo(slot).label == label) return slot;
  }
  throw std::runtime_error("no token labelled " + label);
}

void print(const std::string& name, double value_ms, double floor_ms) {
  std::cout << name << " " << value_ms << " ms ratio=" << value_ms / floor_ms << "\n";
}

int run(int iterations) {
  const testsupport::TempDir temp("ehagent-bench-sts");
  const fs::path& dir = temp.path();
  std::ostringstream quiet;
  sandbox::writeSpecimen({dir / "specimen", "/usr/lib/softhsm/libsofthsm2.so"}, quiet);
  const fs::path pki = dir / "specimen" / "pki";

  auto module = pkcs11::Module::load("/usr/lib/softhsm/libsofthsm2.so");
  pkcs11::Session eid_session(module, slotOf(*module, "Alice SPECIMEN"));
  pkcs11::Session ehealth_session(module, slotOf(*module, "eHealth Alice SPECIMEN"));
  eid_session.login(Secret(sandbox::kSpecimenPin));
  ehealth_session.login(Secret(sandbox::kSpecimenPin));
  tokens::Pkcs11Signer eid_key(eid_session, pkcs11::findPrivateKey(eid_session, "Authentication"),
                               certs::Certificate::loadFile(pki / "alice-authentication.pem"));
  tokens::Pkcs11Signer ehealth_key(ehealth_session, pkcs11::findPrivateKey(ehealth_session, "authentication"),
                                   certs::Certificate::loadFile(dir / "specimen" / "ehealth" / "alice.pem"));
  bench::TimedSigner eid(eid_key);
  bench::TimedSigner ehealth(ehealth_key);

  sandbox::StsServiceOptions sts;
  for (const char* name : {"belgium-root-ca", "citizen-ca", "ehealth-ca"}) {
    sts.client_trust.push_back(certs::Certificate::loadFile(pki / (std::string(name) + ".pem")));
  }
  const auto sts_cert = certs::Certificate::loadFile(pki / "sandbox-sts.pem");
  sts.sts_signer = std::make_shared<tokens::OpenSslSigner>(tokens::OpenSslSigner::fromPemFile(pki / "sandbox-sts.key", sts_cert));
  sandbox::StsService service(std::move(sts));
  sandbox::Server server({"127.0.0.1", 0, (pki / "sandbox-tls.pem").string(), (pki / "sandbox-tls.key").string()});
  service.registerWith(server);
  server.start();

  tokens::StsConfig config;
  config.endpoint = "https://127.0.0.1:" + std::to_string(server.port()) + sandbox::kStsPath;
  config.sts_trust = {sts_cert};
  config.http.ca_file = (pki / "sandbox-ca.pem").string();
  tokens::StsClient client(config);
  const tokens::Practitioner alice{"78031215280", "doctor"};

  client.issue(alice, &eid, ehealth);  // warm-up: TLS, caches
  eid.sign_time = ehealth.sign_time = {};
  eid.signs = ehealth.signs = 0;
  tokens::SamlToken token;
  const auto start = Steady::now();
  for (int i = 0; i < iterations; ++i) token = client.issue(alice, &eid, ehealth);
  const double roundtrip = ms(Steady::now() - start) / iterations;
  const double c_sign = ms(eid.sign_time + ehealth.sign_time) / (eid.signs + ehealth.signs);

  // The agent's own part, measured alone: both envelopes and the verification of the answer.
  eid.sign_time = ehealth.sign_time = {};
  const auto own_start = Steady::now();
  for (int i = 0; i < iterations; ++i) {
    const auto now = std::chrono::system_clock::now();
    tokens::wss::EnvelopeOptions request;
    request.body_xml = tokens::sts::buildIssueBody({tokens::sts::newContextUuid(), alice.ssin,
                                                    tokens::StsProfiles::builtin().identityAttributes(),
                                                    tokens::StsProfiles::builtin().designators("doctor"), now,
                                                    now + std::chrono::hours(1), ehealth.certificate()});
    request.binary_security_token = true;
    tokens::wss::buildEnvelope(request, eid);
    tokens::wss::EnvelopeOptions answer;
    answer.body_xml = tokens::sts::buildChallengeResponseBody("c", "0123456789abcdef");
    answer.binary_security_token = true;
    tokens::wss::buildEnvelope(answer, ehealth);
    tokens::SamlCheck check{{sts_cert}, alice.ssin, &ehealth.certificate(), std::chrono::system_clock::now()};
    tokens::verifySamlAssertion(token.xml, check);
  }
  const double own = (ms(Steady::now() - own_start) - ms(eid.sign_time + ehealth.sign_time)) / iterations;

  print("c_sign", c_sign, c_sign);
  print("sts_roundtrip", roundtrip, c_sign);
  print("sts_agent_xml_and_signing", own, c_sign);
  std::cout << "sts_iterations " << iterations << " count ratio=1\n";
  server.stop();
  fs::remove_all(dir);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const int iterations = argc > 1 ? std::max(1, std::atoi(argv[1])) : 20;
    return run(iterations);
  } catch (const std::exception& e) {
    std::cerr << "sts_roundtrip: " << e.what() << "\n";
    return 1;
  }
}
