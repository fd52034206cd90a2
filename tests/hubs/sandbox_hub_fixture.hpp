#pragma once
// A sandbox hub over a fresh test PKI: an STS key that signs assertions, Alice's and Bob's eHealth
// keys, and helpers that sign a request the way the agent does and hand it to the hub.
#include <gtest/gtest.h>

#include "sandbox/hub_service.hpp"
#include "tests/certs/test_pki.hpp"
#include "tests/hubs/hub_fixtures.hpp"
#include "tests/hubs/saml_sample.hpp"
#include "hubs/client.hpp"
#include "hubs/answers.hpp"
#include "tokens/sign/openssl_signer.hpp"

namespace ehagent::testing {

class SandboxHubFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    pki_ = certs::testing::makeTestPki(dir_.path());
    stsPem_ = certs::testing::issueExtra(pki_, "sts", "/C=BE/CN=Sandbox STS", "keyUsage = digitalSignature");
    sandbox::HubServiceOptions options;
    options.database = dir_.path() / "hub.sqlite";
    options.stsTrust = {certs::Certificate::loadFile(stsPem_)};
    options.controlFile = dir_.path() / "hub.control";
    options.slowDelay = std::chrono::seconds(5);
    hub_ = std::make_unique<sandbox::HubService>(options);
  }

  tokens::OpenSslSigner signer(const std::string& name) {
    return tokens::OpenSslSigner::fromPemFile(dir_.path() / (name + ".key"),
                                              certs::Certificate::loadFile(dir_.path() / (name + ".pem")));
  }
  std::string assertionFor(const std::string& holder, const std::string& ssin, const std::string& nihii) {
    auto sts = signer("sts");
    return samlAssertion(certs::Certificate::loadFile(dir_.path() / (holder + ".pem")), sts, ssin, nihii);
  }
  std::string aliceAssertion() { return assertionFor("alice_ehealth", "78031215280", "10012378004"); }

  hubs::SignedHubRequest signAsAlice(hubs::Operation op, const std::string& body) {
    auto key = signer("alice_ehealth");
    return hubs::signHubRequest(op, body, aliceAssertion(), key);
  }

  // The hub's answer to a signed request, parsed as the agent parses it (throws hub_fault).
  nlohmann::json call(const hubs::SignedHubRequest& r) {
    sandbox::Request req;
    req.method = "POST";
    req.path = sandbox::kHubPath;
    req.headers["soapaction"] = "\"" + r.soapAction + "\"";
    req.headers["content-type"] = "text/xml; charset=utf-8";
    req.body = r.envelope;
    const auto answer = hub_->handle(req);
    return hubs::parseHubResponse(answer.body, r.operation);
  }

  certs::testing::TempDir dir_;
  certs::testing::TestPki pki_;
  std::filesystem::path stsPem_;
  std::unique_ptr<sandbox::HubService> hub_;
};

inline std::string firstErrorCode(const nlohmann::json& answer) {
  const auto& errors = answer.at("acknowledge").at("errors");
  return errors.empty() ? "" : errors.front().at("code").get<std::string>();
}

}  // namespace ehagent::testing
