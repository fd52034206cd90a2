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
#include "tokens/sign/openssl_signer.hpp"

namespace ehagent::tokens::testing {

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "ehagent-tokens-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  [[nodiscard]] const std::filesystem::path& path() const { return path_; }
  [[nodiscard]] std::string operator/(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

inline std::string quote(const std::string& s) { return "'" + s + "'"; }

// Runs a shell command; returns its exit code, with stdout+stderr in *output when given.
inline int run(const std::string& command, std::string* output = nullptr) {
  const std::string full = command + " 2>&1";
  FILE* pipe = ::popen(full.c_str(), "r");
  if (pipe == nullptr) return -1;
  std::string text;
  char buf[4096];
  while (std::size_t n = std::fread(buf, 1, sizeof buf, pipe)) text.append(buf, n);
  const int status = ::pclose(pipe);
  if (output != nullptr) *output = text;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

inline void writeFile(const std::string& path, std::string_view content) {
  std::ofstream out(path, std::ios::binary);
  out.write(content.data(), std::streamsize(content.size()));
}

inline std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

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
    rc = run("openssl req -x509 -nodes -days 2 " + newkey + " -keyout " + quote(key) + " -out " + quote(cert) + " " + subj, &out);
  } else {
    rc = run("openssl req -new -nodes " + newkey + " -keyout " + quote(key) + " -out " + quote(csr) + " " + subj, &out);
    if (rc == 0)
      rc = run("openssl x509 -req -days 2 -in " + quote(csr) + " -CA " + quote(ca->cert_pem_path) + " -CAkey " +
                   quote(ca->key_pem_path) + " -CAcreateserial -out " + quote(cert),
               &out);
  }
  if (rc != 0) throw std::runtime_error("openssl failed: " + out);
  certs::Certificate c = certs::Certificate::fromPem(readFile(cert));
  auto signer = std::make_unique<OpenSslSigner>(OpenSslSigner::fromPemFile(key, c));
  return TestKey{key, cert, c, std::move(signer)};
}

}  // namespace ehagent::tokens::testing
