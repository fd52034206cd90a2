#pragma once
// A real `openssl ocsp` responder on a free loopback port, answering from an `openssl ca` index
// file: for the test PKI's eHealth CA (Alice's certificate good, Bob's revoked), or for any CA
// and index a test writes (OcspResponderSetup).
#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

#include "tests/certs/test_pki.hpp"
#include "tests/support/child_process.hpp"

namespace ehagent::certs::testing {

// One line of an `openssl ca` index: a certificate (serial in hex) that is good, or revoked since
// 2024-01-01 for keyCompromise.
struct IndexEntry {
  std::string serialHex;
  std::string subject;  // "/CN=..."
  bool revoked = false;
};
// Writes <dir>/index.txt (and its .attr) and returns its path.
std::filesystem::path writeIndex(const std::filesystem::path& dir, const std::vector<IndexEntry>& entries);

// Writes <dir>/index.txt (Alice good, Bob revoked) and returns its path.
std::filesystem::path writeCaIndex(const TestPki& pki);

// A CRL of `ca` from an index with `openssl ca -gencrl`, written into dir; returns the PEM path.
std::filesystem::path makeCrl(const std::filesystem::path& dir, const std::filesystem::path& index,
                              const std::filesystem::path& ca, const std::filesystem::path& caKey);
// The eHealth CA's CRL from writeCaIndex's index.
std::filesystem::path makeCrl(const TestPki& pki);

struct OcspResponderSetup {
  std::filesystem::path dir;    // for its log
  std::filesystem::path index;  // writeIndex
  std::filesystem::path ca;     // the CA whose certificates it answers for
  std::filesystem::path signer, signerKey;  // the CA itself, or a delegated OCSP signer
};

class OcspResponder {
 public:
  // Both start it and wait until it accepts (or throw).
  explicit OcspResponder(const OcspResponderSetup& setup);
  explicit OcspResponder(const TestPki& pki);
  // The destructor stops it.
  OcspResponder(const OcspResponder&) = delete;
  OcspResponder& operator=(const OcspResponder&) = delete;

  void stop();
  [[nodiscard]] std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/"; }

 private:
  int port_ = 0;
  testsupport::ChildProcess process_;
};

}  // namespace ehagent::certs::testing
