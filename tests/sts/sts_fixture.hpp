#pragma once
// A sandbox STS on loopback HTTPS and an STS client pointed at it, over a fresh test PKI.
#include <gtest/gtest.h>

#include <memory>
#include <mutex>
#include <vector>

#include "sandbox/sandbox_pki.hpp"
#include "sandbox/server.hpp"
#include "sandbox/sts_service.hpp"
#include "tests/sts/sts_pki.hpp"
#include "tests/support/support.hpp"
#include "tokens/error.hpp"
#include "tokens/sign/openssl_signer.hpp"
#include "tokens/sts/client.hpp"

namespace ehagent::sts_testing {

class StsFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    pki_ = makeStsPki(dir_.path() / "pki");
    sandbox_pki_ = sandbox::ensureSandboxPki(dir_.path() / "sandbox");
    sandbox::StsServiceOptions options;
    for (const char* name : {"root", "citizen", "ehealth_ca"}) options.client_trust.push_back(cert(name));
    options.sts_signer = std::make_shared<tokens::OpenSslSigner>(tokens::OpenSslSigner::fromPemFile(
        sandbox_pki_.sts_key, certs::Certificate::loadFile(sandbox_pki_.sts_cert)));
    options.control_file = dir_.path() / "control.json";
    service_ = std::make_unique<sandbox::StsService>(options);
    sandbox::ServerOptions server_options;
    server_options.cert_file = sandbox_pki_.tls_cert.string();
    server_options.key_file = sandbox_pki_.tls_key.string();
    server_ = std::make_unique<sandbox::Server>(server_options);
    server_->route("POST", sandbox::kStsPath, [this](const sandbox::Request& r) {
      {
        std::lock_guard lock(mutex_);
        requests_.push_back(r.body);
        actions_.push_back(r.header("soapaction"));
      }
      return service_->handle(r);
    });
    server_->start();
  }
  void TearDown() override { server_.reset(); }

  certs::Certificate cert(const std::string& name) const { return certs::Certificate::loadFile(pki_.pem(name)); }
  tokens::OpenSslSigner signer(const std::string& name) const {
    return tokens::OpenSslSigner::fromPemFile(pki_.key(name), cert(name));
  }

  tokens::StsConfig config() const {
    tokens::StsConfig c;
    c.endpoint = "https://127.0.0.1:" + std::to_string(server_->port()) + sandbox::kStsPath;
    c.sts_trust = {certs::Certificate::loadFile(sandbox_pki_.sts_cert)};
    c.http.ca_file = sandbox_pki_.ca_cert.string();
    c.http.read_timeout = std::chrono::seconds(20);
    c.token_lifetime = std::chrono::hours(1);
    return c;
  }

  void control(const std::string& json) { writeFile(dir_.path() / "control.json", json); }

  std::vector<std::string> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }
  std::vector<std::string> actions() const {
    std::lock_guard lock(mutex_);
    return actions_;
  }

  // The error code of a call, or "no error".
  template <class F>
  static std::string codeOf(F&& f) {
    try {
      f();
    } catch (const tokens::Error& e) {
      return e.code();
    }
    return "no error";
  }

  TempDir dir_;
  StsPki pki_;
  sandbox::SandboxPki sandbox_pki_;
  std::unique_ptr<sandbox::StsService> service_;
  std::unique_ptr<sandbox::Server> server_;
  mutable std::mutex mutex_;
  std::vector<std::string> requests_;
  std::vector<std::string> actions_;
};

inline const tokens::Practitioner kAlice{"78031215280", "doctor"};
inline const tokens::Practitioner kBob{"82110523358", "doctor"};
inline const std::string kNihii = "urn:be:fgov:person:ssin:ehealth:1.0:doctor:nihii11";
inline const std::string kDoctor = "urn:be:fgov:person:ssin:doctor:boolean";

}  // namespace ehagent::sts_testing
