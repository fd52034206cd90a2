// xml_sign: a Sumehr of 10 KiB, 100 KiB and 1 MiB checked, wrapped in PutTransaction and signed
// in a WS-Security envelope (exclusive c14n, digests, assembly) with the eHealth key on SoftHSM,
// against the raw C_Sign on that key. The agent's own part is the difference, shown as a share
// of the raw sign.
#include <iostream>
#include <string>

#include "bench/bench_support.hpp"
#include "certs/certificate.hpp"
#include "pkcs11/error.hpp"
#include "hubs/types.hpp"
#include "tokens/sign/pkcs11_signer.hpp"
#include "hubs/sumehr.hpp"
#include "tokens/xml/wssecurity.hpp"

using namespace ehagent;
using namespace ehagent::bench;
namespace hub = ehagent::hubs;

namespace {

constexpr int rounds = 60;

// A Sumehr in the shape of PROTOCOLS.md, padded with medication items up to `bytes`.
std::string sumehrOf(std::size_t bytes) {
  const std::string head = R"(<?xml version="1.0" encoding="UTF-8"?>
<kmehrmessage xmlns="http://www.ehealth.fgov.be/standards/kmehr/schema/v1"><header><standard><cd S="CD-STANDARD" SV="1.26">20210101</cd></standard><id S="ID-KMEHR" SV="1.0">10012378004.20261120103000</id><date>2026-11-20</date><time>10:30:00</time><sender><hcparty><id S="ID-HCPARTY" SV="1.0">10012378004</id><id S="INSS" SV="1.0">78031215280</id><cd S="CD-HCPARTY" SV="1.1">persphysician</cd><firstname>Alice</firstname><familyname>SPECIMEN</familyname></hcparty><hcparty><id S="LOCAL" SL="endusersoftwareinfo" SV="1.0">BenchEMR 1.0</id><cd S="CD-HCPARTY" SV="1.1">application</cd><name>BenchEMR</name></hcparty></sender><recipient><hcparty><cd S="CD-HCPARTY" SV="1.1">hub</cd><name>Sandbox hub</name></hcparty></recipient></header><folder><id S="ID-KMEHR" SV="1.0">1</id><patient><id S="ID-PATIENT" SV="1.0">15062034820</id><firstname>Chloe</firstname><familyname>SPECIMEN</familyname><birthdate><date>2015-06-20</date></birthdate><sex><cd S="CD-SEX" SV="1.1">female</cd></sex></patient><transaction><id S="ID-KMEHR" SV="1.0">1</id><cd S="CD-TRANSACTION" SV="1.0">sumehr</cd><date>2026-11-20</date><time>10:30:00</time><author><hcparty><id S="ID-HCPARTY" SV="1.0">10012378004</id><cd S="CD-HCPARTY" SV="1.1">persphysician</cd></hcparty></author><iscomplete>true</iscomplete><isvalidated>true</isvalidated><heading><id S="ID-KMEHR" SV="1.0">1</id><cd S="CD-HEADING" SV="1.0">assessment</cd>)";
  const std::string tail = "</heading></transaction></folder></kmehrmessage>\n";
  std::string xml = head;
  for (int n = 1; xml.size() + tail.size() < bytes; ++n) {
    xml += R"(<item><id S="ID-KMEHR" SV="1.0">)" + std::to_string(n) +
           R"(</id><cd S="CD-ITEM" SV="1.0">medication</cd><content><text L="en">Amoxicilline 500 mg, 3x per dag, 7 dagen</text></content></item>)";
  }
  return xml + tail;
}

}  // namespace

int main() {
  try {
    Specimen specimen;
    const auto module = pkcs11::Module::load(softhsm_module);
    const Secret pin(specimen_pin);
    OpenKey open = openKey(module, "eHealth Alice SPECIMEN", "authentication", pin);
    const auto certs = open.session->find(pkcs11::ObjectClass::Certificate, std::string("authentication"));
    if (certs.empty()) throw std::runtime_error("no eHealth certificate in the specimen");
    const auto der = open.session->attribute(certs.front(), 0x11 /* CKA_VALUE */);
    tokens::Pkcs11Signer signer(*open.session, open.key, certs::Certificate::fromDer(*der));

    const std::vector<std::uint8_t> digest(32, 0x5a);
    const Samples raw = timeEach(rounds * 2, 10, [&] {
      (void)open.session->signDigest(open.key, pkcs11::HashAlgorithm::Sha256, digest);
    });
    const double floor_p50 = raw.percentile(50);
    report("xml_sign.c_sign.p50", floor_p50, "ms");

    const hub::Practitioner alice{"10012378004", "78031215280", "persphysician", "Alice", "SPECIMEN"};
    const hub::RequestHeader header{{alice, {"BenchEMR", "1.0"}}};
    for (const auto& [label, bytes] : {std::pair{"10KiB", 10u << 10}, {"100KiB", 100u << 10}, {"1MiB", 1u << 20}}) {
      const std::string sumehr = sumehrOf(bytes);
      const Samples total = timeEach(rounds, 3, [&] {
        const auto validated = hub::validateSumehr(sumehr, alice);
        tokens::wss::EnvelopeOptions options;
        options.body_xml = hub::buildPutTransaction(header, validated);
        options.binary_security_token = true;
        (void)tokens::wss::buildEnvelope(options, signer);
      });
      const double p50 = total.percentile(50);
      const double own = std::max(0.0, p50 - floor_p50);
      report(std::string("xml_sign.") + label + ".p50", p50, "ms", p50 / floor_p50);
      report(std::string("xml_sign.") + label + ".own_share", 100.0 * own / floor_p50, "%", -1,
             std::string(label) == "100KiB" ? "<=25%" : "", "agent part " + std::to_string(own) + " ms");
    }
  } catch (const std::exception& e) {
    std::cerr << "xml_sign: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
