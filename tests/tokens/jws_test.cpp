// JWS and the two JWT kinds, verified by an independent JOSE implementation (the `jose` package on
// Node, installed by the tokens_jose_install fixture) against the certificate's public key.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "test_keys.hpp"
#include "tokens/sign/crypto.hpp"
#include "core/base64.hpp"
#include "tokens/error.hpp"
#include "tokens/jose/jws.hpp"

namespace ehagent::tokens {
namespace {

using testing::quote;
using testing::TempDir;
using testing::TestKey;

struct AlgCase {
  const char* name;
  const char* keyspec;
  SignatureAlgorithm alg;
};

class JwsTest : public ::testing::TestWithParam<AlgCase> {
 protected:
  void SetUp() override {
    ca_ = std::make_unique<TestKey>(testing::makeKey(dir_, "ca", "rsa:2048"));
    key_ = std::make_unique<TestKey>(testing::makeKey(dir_, "signer", GetParam().keyspec, ca_.get()));
  }

  // "ok" when node's jose verifies `jwt` with `cert_pem`, else its reason.
  std::string joseVerdict(const std::string& jwt, const std::string& cert_pem, const nlohmann::json& expected) {
    testing::writeFile(dir_ / "token.jwt", jwt);
    testing::writeFile(dir_ / "expected.json", expected.dump());
    std::string out;
    const int rc = testing::runShell(std::string("node ") + quote(std::string(EHAGENT_JOSE_DIR) + "/verify.mjs") + " " +
                                    quote(dir_ / "token.jwt") + " " + quote(cert_pem) + " " +
                                    std::string(jwsName(GetParam().alg)) + " " + quote(dir_ / "expected.json"),
                                &out);
    while (!out.empty() && out.back() == '\n') out.pop_back();
    return rc == 0 ? "ok" : out;
  }

  TempDir dir_;
  std::unique_ptr<TestKey> ca_, key_;
};

TEST_P(JwsTest, ClientAssertionVerifiesWithJose) {
  jws::ClientAssertion request{.client_id = "ehagent-test-client",
                               .audience = "https://api-acpt.ehealth.fgov.be/auth/realms/M2M",
                               .kid = "key-1",
                               .lifetime = std::chrono::minutes(5),
                               .now = std::nullopt,
                               .alg = GetParam().alg};
  const std::string jwt = jws::clientAssertion(request, *key_->signer);
  const nlohmann::json expected{{"iss", "ehagent-test-client"},
                                {"sub", "ehagent-test-client"},
                                {"aud", request.audience},
                                {"header", {{"kid", "key-1"}, {"typ", "JWT"}}}};
  EXPECT_EQ(joseVerdict(jwt, key_->cert_pem_path, expected), "ok") << jwt;

  // The payload as sent: exp a few minutes after iat, nbf = iat, a jti.
  const auto dot1 = jwt.find('.'), dot2 = jwt.rfind('.');
  const auto payload_bytes = base64UrlDecode(jwt.substr(dot1 + 1, dot2 - dot1 - 1));
  const auto payload = nlohmann::json::parse(payload_bytes.begin(), payload_bytes.end());
  EXPECT_EQ(payload["exp"].get<long long>() - payload["iat"].get<long long>(), 300);
  EXPECT_EQ(payload["nbf"], payload["iat"]);
  EXPECT_FALSE(payload["jti"].get<std::string>().empty());
}

TEST_P(JwsTest, PractitionerTokenVerifiesWithJose) {
  jws::PractitionerToken request{.ssin = "78031215280",
                                 .nihii = "10012378004",
                                 .name = "Alice SPECIMEN",
                                 .audience = "urn:test:client-app",
                                 .lifetime = std::chrono::minutes(10),
                                 .now = std::nullopt};
  if (key_->signer->defaultAlgorithm() != GetParam().alg) GTEST_SKIP() << "practitioner JWTs use the key's default algorithm";
  const std::string token = jws::practitionerToken(request, *key_->signer);
  const nlohmann::json expected{
      {"sub", "78031215280"},
      {"nihii", "10012378004"},
      {"name", "Alice SPECIMEN"},
      {"aud", "urn:test:client-app"},
      {"bound_to_certificate", true}};  // x5c and cnf, computed by node from the certificate file
  EXPECT_EQ(joseVerdict(token, key_->cert_pem_path, expected), "ok") << token;
}

TEST_P(JwsTest, TamperedOrForeignTokensAreRejectedByJose) {
  jws::ClientAssertion request;
  request.client_id = "c";
  request.audience = "urn:aud";
  request.kid = "k";
  request.alg = GetParam().alg;
  std::string jwt = jws::clientAssertion(request, *key_->signer);
  const nlohmann::json expected{{"aud", "urn:aud"}};
  // Another payload under the same signature.
  const auto dot1 = jwt.find('.'), dot2 = jwt.rfind('.');
  const std::string forged_payload = base64UrlEncode(asBytes(R"({"iss":"c","sub":"admin","aud":"urn:aud","exp":9999999999})"));
  const std::string forged = jwt.substr(0, dot1 + 1) + forged_payload + jwt.substr(dot2);
  EXPECT_NE(joseVerdict(forged, key_->cert_pem_path, expected), "ok");
  // A key the verifier does not expect.
  auto other = testing::makeKey(dir_, "other", GetParam().keyspec, ca_.get());
  EXPECT_NE(joseVerdict(jwt, other.cert_pem_path, expected), "ok");
}

INSTANTIATE_TEST_SUITE_P(Algorithms, JwsTest,
                         ::testing::Values(AlgCase{"RS256", "rsa:2048", SignatureAlgorithm::RsaSha256},
                                           AlgCase{"PS256", "rsa:2048", SignatureAlgorithm::RsaPssSha256},
                                           AlgCase{"ES256", "ec:P-256", SignatureAlgorithm::EcdsaSha256},
                                           AlgCase{"ES384", "ec:P-384", SignatureAlgorithm::EcdsaSha384}),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(JwtBuilders, RefuseMissingAudienceOrSsin) {
  TempDir dir;
  auto key = testing::makeKey(dir, "k", "ec:P-384");
  EXPECT_EQ(key.signer->defaultAlgorithm(), SignatureAlgorithm::EcdsaSha384);
  jws::PractitionerToken no_audience;
  no_audience.ssin = "78031215280";
  no_audience.name = "A";
  jws::PractitionerToken no_ssin;
  no_ssin.name = "A";
  no_ssin.audience = "urn:x";
  for (const auto& request : {no_audience, no_ssin}) {
    try {
      jws::practitionerToken(request, *key.signer);
      ADD_FAILURE() << "accepted an incomplete practitioner JWT";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), "invalid_input");
    }
  }
}

}  // namespace
}  // namespace ehagent::tokens
