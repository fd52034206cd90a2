#include "tests/certs/ocsp_responder.hpp"

#include <chrono>
#include <stdexcept>
#include <thread>
#include <vector>

namespace ehagent::certs::testing {
namespace fs = std::filesystem;

namespace {

// `openssl ocsp` serves one connection at a time and blocks on an idle one, so readiness is
// read from its log ("ACCEPT" is printed once it listens) rather than probed with a connection.
bool listening(const fs::path& log) {
  return fs::exists(log) && readFile(log).find("ACCEPT") != std::string::npos;
}

}  // namespace

fs::path writeIndex(const fs::path& dir, const std::vector<IndexEntry>& entries) {
  const fs::path index = dir / "index.txt";
  std::string text;
  for (const IndexEntry& e : entries) {
    text += std::string(e.revoked ? "R" : "V") + "\t351231235959Z\t" + (e.revoked ? "240101000000Z,keyCompromise" : "") +
            "\t" + e.serialHex + "\tunknown\t" + e.subject + "\n";
  }
  writeFile(index, text);
  writeFile(dir / "index.txt.attr", "unique_subject = no\n");
  return index;
}

fs::path writeCaIndex(const TestPki& pki) {
  return writeIndex(pki.dir, {{pki.aliceEhealthSerial, "/CN=SSIN=78031215280", false},
                              {pki.bobEhealthSerial, "/CN=SSIN=82110523358", true}});
}

fs::path makeCrl(const fs::path& dir, const fs::path& index, const fs::path& ca, const fs::path& caKey) {
  const fs::path cnf = dir / "crl.cnf";
  writeFile(dir / "crlnumber", "01\n");
  writeFile(cnf, "[ca]\ndefault_ca = d\n[d]\ndatabase = " + index.string() +
                     "\ncrlnumber = " + (dir / "crlnumber").string() +
                     "\ndefault_md = sha256\ndefault_crl_days = 7\n");
  const fs::path crl = dir / (ca.stem().string() + ".crl.pem");
  run("openssl ca -gencrl -config '" + cnf.string() + "' -keyfile '" + caKey.string() + "' -cert '" +
          ca.string() + "' -out '" + crl.string() + "'",
      dir / "openssl.log");
  return crl;
}

fs::path makeCrl(const TestPki& pki) {
  return makeCrl(pki.dir, writeCaIndex(pki), pki.ehealthCa, pki.ehealthCaKey);
}

OcspResponder::OcspResponder(const TestPki& pki)
    : OcspResponder(OcspResponderSetup{pki.dir, writeCaIndex(pki), pki.ehealthCa, pki.ocspSigner, pki.ocspSignerKey}) {}

OcspResponder::OcspResponder(const OcspResponderSetup& setup)
    : port_(testsupport::freePort()),
      process_({.argv = {"openssl", "ocsp", "-index", setup.index.string(), "-port", std::to_string(port_), "-rsigner",
                         setup.signer.string(), "-rkey", setup.signerKey.string(), "-CA", setup.ca.string(), "-nmin",
                         "5", "-ignore_err"},
                .log_file = setup.dir / "ocsp-responder.log"}) {
  const fs::path log = setup.dir / "ocsp-responder.log";
  // Poll with a generous deadline: the responder is ready once it accepts a connection.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!listening(log)) {
    if (!process_.running()) throw std::runtime_error("openssl ocsp exited: " + process_.log());
    if (std::chrono::steady_clock::now() > deadline) {
      throw std::runtime_error("openssl ocsp did not start listening: " + process_.log());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

void OcspResponder::stop() { process_.stop(); }

}  // namespace ehagent::certs::testing
