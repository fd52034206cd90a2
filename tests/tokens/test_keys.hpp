#pragma once
// Keys and certificates made by the openssl CLI in a per-fixture temp dir, and a way to run the
// independent verifiers (xmlsec1, xmllint, openssl, node) as real processes.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "certs/certificate.hpp"
#include "tests/support/support.hpp"
#include "tokens/sign/openssl_signer.hpp"

namespace ehagent::tokens::testing {

using testsupport::readFile;
using testsupport::runShell;
using testsupport::TempDir;
using testsupport::writeFile;

inline std::string quote(const std::string& s) { return "'" + s + "'"; }


struct TestKey {
  std::string key_pem_path;
  std::string cert_pem_path;
  certs::Certificate cert;
  std::unique_ptr<OpenSslSigner> signer;
};

// keyspec: "rsa:2048", "ec:P-256", "ec:P-384". Signed by `ca` when given, else self-signed CA.
inline TestKey makeKey(const TempDir& dir, const std::string& name, const std::string& keyspec,
                       const TestKey* ca = nullptr) {
  const std::string key = dir / (name + ".key"), cert = dir / (name + ".pem"), csr = dir / (name + ".csr");
  std::string newkey = keyspec.starts_with("ec:") ? "-newkey ec -pkeyopt ec_paramgen_curve:" + keyspec.substr(3)
                                                  : "-newkey " + keyspec;
  const std::string subj = "-subj " + quote("/C=BE/O=Test/CN=" + name);
  std::string out;
  int rc = 0;
  if (ca == nullptr) {
    rc = runShell("openssl req -x509 -nodes -days 2 " + newkey + " -keyout " + quote(key) + " -out " + quote(cert) + " " + subj, &out);
  } else {
    rc = runShell("openssl req -new -nodes " + newkey + " -keyout " + quote(key) + " -out " + quote(csr) + " " + subj, &out);
    if (rc == 0)
      rc = runShell("openssl x509 -req -days 2 -in " + quote(csr) + " -CA " + quote(ca->cert_pem_path) + " -CAkey " +
                   quote(ca->key_pem_path) + " -CAcreateserial -out " + quote(cert),
               &out);
  }
  if (rc != 0) throw std::runtime_error("openssl failed: " + out);
  certs::Certificate c = certs::Certificate::fromPem(readFile(cert));
  auto signer = std::make_unique<OpenSslSigner>(OpenSslSigner::fromPemFile(key, c));
  return TestKey{key, cert, c, std::move(signer)};
}

}  // namespace ehagent::tokens::testing
