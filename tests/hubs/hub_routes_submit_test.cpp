// End to end in submit mode: the routes send to the sandbox hub over HTTPS on loopback, as the
// issue's story goes: consent (patient read from Bob's card), link, Sumehr upload, list, audit trail.
#include <gtest/gtest.h>

#include "sandbox/sandbox_pki.hpp"
#include "sandbox/server.hpp"
#include "tests/hubs/hub_routes_fixture.hpp"
#include "tests/hubs/shell.hpp"
#include "tests/hubs/sumehr_sample.hpp"

namespace ehagent::testing {
namespace {

using boost::beast::http::verb;

class HubRoutesSubmit : public HubRoutesFixture {
 protected:
  void SetUp() override {
    HubRoutesFixture::SetUp();
    tls_ = sandbox::ensureSandboxPki(dir_.path() / "sandbox-pki");
    sandbox::ServerOptions options;
    options.cert_file = tls_.tls_cert.string();
    options.key_file = tls_.tls_key.string();
    server_hub_ = std::make_unique<sandbox::Server>(options);
    hub_->registerWith(*server_hub_);
    server_hub_->start();
    configureHub("https://127.0.0.1:" + std::to_string(server_hub_->port()) + sandbox::kHubPath,
                 tls_.ca_cert.string());
  }
  void TearDown() override { server_hub_->stop(); }

  sandbox::SandboxPki tls_;
  std::unique_ptr<sandbox::Server> server_hub_;
};

TEST_F(HubRoutesSubmit, ConsentLinkUploadListAndAuditTrail) {
  auto r = call(verb::post, "/v1/hubs/sandbox/consents", R"({"patient_card":"read"})");
  ASSERT_EQ(r.result_int(), 200) << r.body();
  EXPECT_TRUE(json(r)["acknowledge"]["iscomplete"].get<bool>()) << r.body();

  r = call(verb::post, "/v1/hubs/sandbox/therapeutic-links", R"({"patient_card":"read"})");
  ASSERT_EQ(r.result_int(), 200) << r.body();
  EXPECT_TRUE(json(r)["acknowledge"]["iscomplete"].get<bool>()) << r.body();

  SumehrParts bob;
  bob.patientSsin = "82110523358";
  r = call(verb::post, "/v1/hubs/sandbox/transactions", sumehrXml(bob), "application/xml");
  ASSERT_EQ(r.result_int(), 200) << r.body();
  EXPECT_TRUE(json(r)["acknowledge"]["iscomplete"].get<bool>()) << r.body();

  r = call(verb::get, "/v1/hubs/sandbox/transactions?patient=82110523358");
  ASSERT_EQ(r.result_int(), 200) << r.body();
  ASSERT_EQ(json(r)["transactions"].size(), 1u) << r.body();
  EXPECT_EQ(json(r)["transactions"][0]["type"], "sumehr");

  r = call(verb::get, "/v1/hubs/sandbox/audit-trail?patient=82110523358");
  ASSERT_EQ(r.result_int(), 200) << r.body();
  const auto accesses = json(r)["accesses"];
  ASSERT_GE(accesses.size(), 2u) << r.body();
  for (const auto& a : accesses) EXPECT_EQ(a["hcparty"]["nihii"], "10012378004");

  const auto rows = auditRows();
  ASSERT_EQ(rows.size(), 5u);
  for (const auto& row : rows) {
    EXPECT_EQ(row.entry.outcome, "ok") << row.entry.operation;
    EXPECT_EQ(row.entry.patient_ssin, "82110523358");
    EXPECT_EQ(row.entry.signed_sha256.size(), 64u);
  }
}

TEST_F(HubRoutesSubmit, NoConsentIsTheHubsAnswerNotAnError) {
  const auto r = call(verb::get, "/v1/hubs/sandbox/transactions?patient=15062034820");
  ASSERT_EQ(r.result_int(), 200) << r.body();
  EXPECT_FALSE(json(r)["acknowledge"]["iscomplete"].get<bool>());
  EXPECT_EQ(json(r)["acknowledge"]["errors"][0]["code"], "NO_CONSENT");
  EXPECT_EQ(auditRows().back().entry.outcome, "failed");
  EXPECT_EQ(auditRows().back().entry.problem_code, "NO_CONSENT");
}

TEST_F(HubRoutesSubmit, HubDownSlowOrFaultGiveProblemCodesAndTheAgentKeepsServing) {
  const auto problem = [&](const std::string& mode) {
    writeFile(dir_.path() / "hub.control", mode);
    const auto r = call(verb::get, "/v1/hubs/sandbox/transactions?patient=15062034820");
    return std::to_string(r.result_int()) + " " + json(r).value("code", "");
  };
  EXPECT_EQ(problem("down"), "502 hub_unreachable");
  EXPECT_EQ(problem("slow"), "502 hub_unreachable");  // the hub waits 5 s, the agent 2 s
  EXPECT_EQ(problem("fault"), "502 hub_fault");
  EXPECT_EQ(problem(""), "200 ");
  EXPECT_EQ(auditRows().front().entry.outcome, "failed");
  EXPECT_EQ(auditRows().front().entry.problem_code, "hub_unreachable");
}

}  // namespace
}  // namespace ehagent::testing
