#pragma once
// A real `openssl ocsp` responder for the test PKI's eHealth CA, on a free loopback port, with
// an index.txt holding Alice's certificate as good and Bob's as revoked.
#include <sys/types.h>

#include <filesystem>
#include <string>

#include "tests/certs/test_pki.hpp"

namespace ehagent::certs::testing {

// Writes <dir>/index.txt (Alice good, Bob revoked) and returns its path.
std::filesystem::path writeCaIndex(const TestPki& pki);

// Makes a CRL from the same index with `openssl ca -gencrl`; returns the PEM path.
std::filesystem::path makeCrl(const TestPki& pki);

class OcspResponder {
 public:
  explicit OcspResponder(const TestPki& pki);  // starts it and waits until it accepts (or throws)
  ~OcspResponder();                            // stops it
  OcspResponder(const OcspResponder&) = delete;
  OcspResponder& operator=(const OcspResponder&) = delete;

  void stop();
  [[nodiscard]] std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/"; }

 private:
  pid_t pid_ = -1;
  int port_ = 0;
};

}  // namespace ehagent::certs::testing
