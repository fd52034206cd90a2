#pragma once
// A small PKI made with the openssl CLI in a fresh temporary directory per fixture, shaped like
// the real chains: a root and a citizen CA over eID certificates, and an eHealth CA over
// practitioner certificates, an OCSP signer and a .p12 keystore. The CLI is independent of the
// code under test, so what it writes is a fair reference.
#include <filesystem>
#include <string>

#include "tests/support/support.hpp"

namespace ehagent::certs::testing {

using testsupport::readFile;
using testsupport::TempDir;
using testsupport::writeFile;

// Runs a shell command with output to a log file beside it; throws std::runtime_error with the
// log's tail when it fails.
void run(const std::string& command, const std::filesystem::path& log);

struct TestPki {
  std::filesystem::path dir;
  // eID side: root -> citizen CA -> Alice (RSA-2048) and Bob (EC P-384)
  std::filesystem::path root, citizenCa, aliceAuth, aliceSign, bobAuth;
  // eHealth side: eHealth CA -> practitioner certificates and the OCSP signer
  std::filesystem::path ehealthCa, ehealthCaKey, aliceEhealth, aliceEhealthKey, bobEhealth;
  std::filesystem::path ocspSigner, ocspSignerKey, encryptionOnly;
  // A CA nobody trusts, and a practitioner certificate under it
  std::filesystem::path rogueCa, rogueEhealth;
  // Keystores: alias "authentication" + chain; password below
  std::filesystem::path aliceP12, rogueP12;
  std::string p12Password = "p12-secret";
  std::string aliceEhealthSerial = "1001", bobEhealthSerial = "1002";  // hex
};

// One more EC P-256 leaf under a CA of the PKI ("ehealth_ca", "citizen", "root", "rogue_ca"),
// with the given subject ("/C=BE/CN=...") and extension lines ("keyUsage = digitalSignature").
// Returns the PEM path; the key sits beside it as <name>.key.
std::filesystem::path issueExtra(const TestPki& pki, const std::string& name,
                                 const std::string& subject, const std::string& extensionLines,
                                 const std::string& ca = "ehealth_ca", int days = 365);

// Builds the whole PKI under dir (which must exist). Throws std::runtime_error on failure.
TestPki makeTestPki(const std::filesystem::path& dir);

}  // namespace ehagent::certs::testing
