// `ehagent-sandbox serve` as a real process over the specimen: the STS login in fallback mode
// with the specimen eHealth key, and misbehaviour through the admin endpoint.
#include <gtest/gtest.h>

#include "sandbox/sts_service.hpp"
#include "tests/support/sandbox_process.hpp"
#include "tests/support/support.hpp"
#include "tokens/error.hpp"
#include "tokens/sign/openssl_signer.hpp"
#include "tokens/sts/client.hpp"

namespace ehagent {
namespace {

using testsupport::SpecimenCopy;

class SandboxServeTest : public ::testing::Test {
 protected:
  void TearDown() override { EXPECT_EQ(sandbox_.stop(), 0) << "the sandbox did not stop cleanly"; }

  tokens::StsConfig config() const {
    tokens::StsConfig c;
    c.endpoint = base_ + sandbox::kStsPath;
    c.sts_trust = {certs::Certificate::loadFile(SpecimenCopy::pki("sandbox-sts.pem"))};
    c.http.ca_file = SpecimenCopy::pki("sandbox-ca.pem").string();
    return c;
  }

  tokens::OpenSslSigner ehealth(const std::string& who) const {
    return tokens::OpenSslSigner::fromPemFile(SpecimenCopy::ehealth(who + ".key"),
                                              certs::Certificate::loadFile(SpecimenCopy::ehealth(who + ".pem")));
  }

  tokens::HttpResponse admin(const std::string& method_body) {
    tokens::HttpClientOptions o;
    o.ca_file = SpecimenCopy::pki("sandbox-ca.pem").string();
    return tokens::HttpClient(o).post(base_ + sandbox::kStsAdminPath, method_body, {{"Content-Type", "application/json"}});
  }

  testsupport::SandboxProcess sandbox_;
  const std::string base_ = sandbox_.base();
};

TEST_F(SandboxServeTest, IssuesForAliceAndBobInFallbackMode) {
  tokens::StsClient client(config());
  auto alice = ehealth("alice");
  const auto a = client.issue({"78031215280", "doctor"}, nullptr, alice);
  EXPECT_EQ(a.first("urn:be:fgov:person:ssin:ehealth:1.0:doctor:nihii11"), "10012378004");
  auto bob = ehealth("bob");
  const auto b = client.issue({"82110523358", "doctor"}, nullptr, bob);
  EXPECT_EQ(b.first("urn:be:fgov:person:ssin:ehealth:1.0:doctor:nihii11"), "10045636003");
}

TEST_F(SandboxServeTest, MisbehavesThroughTheAdminEndpointAndRecovers) {
  tokens::StsClient client(config());
  auto alice = ehealth("alice");
  EXPECT_EQ(admin(R"({"mode": "wrong_ssin"})").status, 200);
  try {
    client.issue({"78031215280", "doctor"}, nullptr, alice);
    ADD_FAILURE() << "a token for another SSIN was accepted";
  } catch (const tokens::Error& e) {
    EXPECT_EQ(e.code(), "sts_wrong_subject");
  }
  EXPECT_EQ(admin(R"({"mode": "nonsense"})").status, 400);
  EXPECT_EQ(admin(R"({"mode": "normal"})").status, 200);
  EXPECT_NO_THROW(client.issue({"78031215280", "doctor"}, nullptr, alice));
}

}  // namespace
}  // namespace ehagent
