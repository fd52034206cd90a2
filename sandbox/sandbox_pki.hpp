#pragma once
// The sandbox's own small PKI: a "Sandbox CA", a TLS server certificate for 127.0.0.1 and
// localhost, and the certificate the sandbox STS signs its assertions with. Made once per state
// directory and reused, so a client can be pointed at ca.pem.
#include <filesystem>

namespace ehagent::sandbox {

struct SandboxPki {
  std::filesystem::path ca_cert;   // PEM; clients trust it for TLS
  std::filesystem::path tls_cert;  // PEM chain: TLS leaf, then the CA
  std::filesystem::path tls_key;
  std::filesystem::path sts_cert;  // PEM; the STS trust of the client
  std::filesystem::path sts_key;
};

// Creates what is missing under `dir` (created if needed, files 0600 for keys).
// Throws std::runtime_error on any OpenSSL or file failure.
SandboxPki ensureSandboxPki(const std::filesystem::path& dir);

}  // namespace ehagent::sandbox
