// A hub that is down, slow, or answers a SOAP fault, over real HTTPS on loopback: each gives the
// agent's client a clear error code, and the hub serves again once told to behave.
#include <gtest/gtest.h>

#include "sandbox/sandbox_pki.hpp"
#include "sandbox/server.hpp"
#include "tests/hubs/sandbox_hub_fixture.hpp"
#include "tests/hubs/shell.hpp"
#include "tokens/error.hpp"
#include "hubs/requests.hpp"

namespace ehagent::hubs {
namespace {

// The tests build hub requests with tokens/ signers and XML.
using namespace ehagent::tokens;

class HubMisbehaviour : public testing::SandboxHubFixture {
 protected:
  void SetUp() override {
    SandboxHubFixture::SetUp();
    tls_ = sandbox::ensureSandboxPki(dir_.path() / "sandbox-pki");
    sandbox::ServerOptions options;
    options.cert_file = tls_.tls_cert.string();
    options.key_file = tls_.tls_key.string();
    server_ = std::make_unique<sandbox::Server>(options);
    hub_->registerWith(*server_);
    server_->start();
    endpoint_.name = "sandbox";
    endpoint_.url = "https://127.0.0.1:" + std::to_string(server_->port()) + sandbox::kHubPath;
    endpoint_.hubId = "1990000035";
    endpoint_.http.ca_file = tls_.ca_cert.string();
    endpoint_.http.read_timeout = std::chrono::milliseconds(500);
    endpoint_.http.connect_attempts = 1;
  }
  void TearDown() override { server_->stop(); }

  void behave(const std::string& mode) { testing::writeFile(dir_.path() / "hub.control", mode); }

  std::string submitCode() {
    const auto r = signAsAlice(Operation::PutPatientConsent,
                               buildPutPatientConsent(testing::aliceHeader(), {testing::childPatient(), "2026-01-01"}));
    try {
      const auto answer = submitHubRequest(endpoint_, r);
      return answer["acknowledge"]["iscomplete"].get<bool>() ? "ok" : "not complete";
    } catch (const Error& e) {
      return e.code();
    }
  }

  sandbox::SandboxPki tls_;
  std::unique_ptr<sandbox::Server> server_;
  HubEndpoint endpoint_;
};

TEST_F(HubMisbehaviour, DownSlowAndFaultGiveClearCodes) {
  EXPECT_EQ(submitCode(), "ok");
  behave("down");
  EXPECT_EQ(submitCode(), "hub_unreachable");
  behave("slow");  // the hub answers after 5 s, the client waits 0.5 s
  EXPECT_EQ(submitCode(), "hub_unreachable");
  behave("fault");
  EXPECT_EQ(submitCode(), "hub_fault");
  behave("");
  EXPECT_EQ(submitCode(), "ok");
}

TEST_F(HubMisbehaviour, NothingListeningIsUnreachable) {
  server_->stop();
  EXPECT_EQ(submitCode(), "hub_unreachable");
}

}  // namespace
}  // namespace ehagent::hubs
