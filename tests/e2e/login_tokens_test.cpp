// Login to token through the real daemon: POST /v1/session against the sandbox STS ends with a SAML
// assertion that xmlsec1 verifies against the sandbox STS certificate, for the RSA and the EC card;
// both JWT kinds verify with node's `jose` against the right certificate.
#include "core/digest.hpp"
#include "tests/e2e/e2e_fixture.hpp"

namespace ehagent::e2e {
namespace {

// GET /v1/tokens/saml carries the practitioner's NIHII, and the assertion verifies independently.
void expectVerifiedSaml(const EndToEnd& test, const HttpResult& saml, const Person& who, const fs::path& dir) {
  ASSERT_EQ(saml.status, 200) << saml.body;
  const auto body = saml.json();
  ASSERT_TRUE(body.is_object()) << saml.body;
  EXPECT_EQ(body["attributes"][kNihiiAttribute], nlohmann::json::array({who.nihii})) << saml.body;
  const std::string assertion = body["assertion"].get<std::string>();
  EXPECT_NE(assertion.find(who.nihii), std::string::npos);

  const auto byCert = xmlsecAssertion(dir, assertion, {"--pubkey-cert-pem", SpecimenCopy::pki("sandbox-sts.pem").string()});
  EXPECT_TRUE(byCert.ok) << byCert.output;
  const auto byCa = xmlsecAssertion(dir, assertion, {"--trusted-pem", SpecimenCopy::pki("sandbox-ca.pem").string()});
  EXPECT_TRUE(byCa.ok) << byCa.output;
  // The check can fail: another key does not verify it, nor does a changed NIHII.
  const auto wrongKey = xmlsecAssertion(dir, assertion, {"--pubkey-cert-pem", SpecimenCopy::ehealth(std::string(who.name) + ".pem").string()});
  EXPECT_FALSE(wrongKey.ok) << wrongKey.output;
  std::string changed = assertion;
  changed.replace(changed.find(who.nihii), 11, "10000000000");
  EXPECT_FALSE(xmlsecAssertion(dir, changed, {"--pubkey-cert-pem", SpecimenCopy::pki("sandbox-sts.pem").string()}).ok);
  (void)test;
}

void expectPractitionerJwt(const HttpResult& r, const Person& who, const std::string& alg, const fs::path& dir) {
  ASSERT_EQ(r.status, 200) << r.body;
  const std::string jwt = r.json()["jwt"].get<std::string>();
  const fs::path cert = SpecimenCopy::pki(std::string(who.name) + "-authentication.pem");
  const nlohmann::json expected = {{"aud", "https://emr.example"},
                                   {"sub", who.ssin},
                                   {"nihii", who.nihii},
                                   {"name", who.fullName},
                                   {"bound_to_certificate", true},  // x5c and cnf, from the file
                                   {"header", {{"alg", alg}}}};
  const auto verified = joseVerify(dir, jwt, cert, alg, expected);
  EXPECT_TRUE(verified.ok) << verified.output << "\n" << jwtPart(jwt, 0).dump() << jwtPart(jwt, 1).dump();
  // Another certificate must not verify it.
  const fs::path other = SpecimenCopy::ehealth(std::string(who.name) + ".pem");
  EXPECT_FALSE(joseVerify(dir, jwt, other, "RS256", expected).ok);
  const auto payload = jwtPart(jwt, 1);
  for (const char* claim : {"iat", "exp", "jti"}) EXPECT_TRUE(payload.contains(claim)) << claim << payload.dump();
  EXPECT_GT(payload["exp"].get<long long>(), payload["iat"].get<long long>());
}

void expectClientAssertion(const HttpResult& r, const Person& who, const fs::path& dir) {
  ASSERT_EQ(r.status, 200) << r.body;
  const std::string jwt = r.json()["jwt"].get<std::string>();
  const fs::path cert = SpecimenCopy::ehealth(std::string(who.name) + ".pem");
  const nlohmann::json expected = {{"aud", "https://api-acpt.ehealth.fgov.be/auth/realms/M2M"},
                                   {"iss", "TestEMR-client"},
                                   {"sub", "TestEMR-client"},
                                   {"header", {{"alg", "RS256"}, {"kid", "e2e-key-1"}}}};
  const auto verified = joseVerify(dir, jwt, cert, "RS256", expected);
  EXPECT_TRUE(verified.ok) << verified.output << "\n" << jwtPart(jwt, 0).dump() << jwtPart(jwt, 1).dump();
  // Signed with the eHealth key, not the eID's.
  EXPECT_FALSE(joseVerify(dir, jwt, SpecimenCopy::pki(std::string(who.name) + "-authentication.pem"), "RS256",
                          expected).ok);
  const auto payload = jwtPart(jwt, 1);
  for (const char* claim : {"jti", "iat", "nbf", "exp"}) EXPECT_TRUE(payload.contains(claim)) << claim << payload.dump();
  // A short life: minutes, not hours.
  EXPECT_GT(payload["exp"].get<long long>(), payload["iat"].get<long long>());
  EXPECT_LE(payload["exp"].get<long long>() - payload["iat"].get<long long>(), 3600);
}

const char* kPractitionerJwt = R"({"kind":"practitioner","audience":"https://emr.example"})";
const char* kClientAssertionJwt =
    R"({"kind":"iam-client-assertion","client_id":"TestEMR-client","kid":"e2e-key-1",)"
    R"("audience":"https://api-acpt.ehealth.fgov.be/auth/realms/M2M"})";

TEST_F(EndToEnd, AliceRsaLoginEndsWithAVerifiedSamlTokenAndJwts) {
  ASSERT_NO_FATAL_FAILURE(loginAs(kAlice, true));
  expectVerifiedSaml(*this, call("GET", "/v1/tokens/saml"), kAlice, scratch());
  const HttpResult practitioner = call("POST", "/v1/tokens/jwt", kPractitionerJwt);
  expectPractitionerJwt(practitioner, kAlice, "RS256", scratch());
  const HttpResult assertion = call("POST", "/v1/tokens/jwt", kClientAssertionJwt);
  expectClientAssertion(assertion, kAlice, scratch());

  const auto rows = auditRows("saml");
  ASSERT_FALSE(rows.empty());
  EXPECT_EQ(rows.back()["outcome"], "ok");
  // A signed token has two rows: "started", written while the key signed, then its outcome; both
  // name the SHA-256 of the JWS signing input (header.payload), which anyone holding the token
  // can recompute.
  for (const auto& [operation, answer] : {std::pair{"jwt-practitioner", &practitioner}, {"jwt-iam-client-assertion", &assertion}}) {
    const std::string jwt = answer->json()["jwt"].get<std::string>();
    const std::string signing_input = jwt.substr(0, jwt.rfind('.'));
    const auto jwt_rows = auditRows(operation);
    ASSERT_EQ(jwt_rows.size(), 2u) << operation;
    EXPECT_EQ(jwt_rows[0]["outcome"], "started") << operation;
    EXPECT_EQ(jwt_rows[1]["outcome"], "ok") << operation;
    EXPECT_LT(jwt_rows[0]["id"].get<int>(), jwt_rows[1]["id"].get<int>());
    for (const auto& row : jwt_rows) EXPECT_EQ(row["signed_sha256"], ehagent::sha256Hex(signing_input)) << operation;
  }
}

TEST_F(EndToEnd, BobEcLoginAloneEndsWithAVerifiedSamlTokenAndJwts) {
  ASSERT_NO_FATAL_FAILURE(loginAs(kBob, false));
  expectVerifiedSaml(*this, call("GET", "/v1/tokens/saml"), kBob, scratch());
  expectPractitionerJwt(call("POST", "/v1/tokens/jwt", kPractitionerJwt), kBob, "ES384", scratch());
  expectClientAssertion(call("POST", "/v1/tokens/jwt", kClientAssertionJwt), kBob, scratch());
}

TEST_F(EndToEnd, AJwtWithoutAudienceIsRefusedWithAPointer) {
  ASSERT_NO_FATAL_FAILURE(loginAs(kAlice, false));
  const auto r = call("POST", "/v1/tokens/jwt", R"({"kind":"practitioner"})");
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(r.json()["code"], "invalid_input");
  EXPECT_EQ(r.json()["pointer"], "/audience");
}

// The STS down after both PINs were given: the login is refused with sts_unreachable, but the card
// logins stay, and the next POST /v1/session retries the STS step alone: no PIN asked again, no
// C_Login on either card, and the token it brings verifies.
TEST_F(EndToEnd, AnStsDownAfterThePinsKeepsTheCardLoginsForTheNextLogin) {
  stsControl(R"({"mode": "drop"})");
  ASSERT_NO_FATAL_FAILURE(startAs(kAlice, false, false));
  const HttpResult down = call("POST", "/v1/session");
  EXPECT_EQ(down.status, 502) << down.body;
  EXPECT_EQ(down.json()["code"], "sts_unreachable") << down.body;
  const auto status = call("GET", "/v1/status").json();
  ASSERT_TRUE(status["session"].is_object()) << status.dump();
  EXPECT_EQ(status["session"]["token_pending"], true) << status.dump();
  EXPECT_EQ(agent_.fault().loginCount(kAlice.eid), 1u);
  EXPECT_EQ(agent_.fault().loginCount(kAlice.ehealth), 1u);

  stsControl(R"({"mode": "normal"})");
  const HttpResult up = call("POST", "/v1/session");
  ASSERT_EQ(up.status, 200) << up.body << agent_.stderrLog();
  EXPECT_TRUE(up.json()["session"].contains("token_expires")) << up.body;
  EXPECT_FALSE(up.json()["session"].contains("token_pending")) << up.body;
  EXPECT_EQ(agent_.fault().loginCount(kAlice.eid), 1u);
  EXPECT_EQ(agent_.fault().loginCount(kAlice.ehealth), 1u);
  const std::string transcript = agent_.transcript();
  std::size_t prompts = 0;
  for (auto at = transcript.find("GETPIN"); at != std::string::npos; at = transcript.find("GETPIN", at + 1)) ++prompts;
  EXPECT_EQ(prompts, 2u) << transcript;
  expectVerifiedSaml(*this, call("GET", "/v1/tokens/saml"), kAlice, scratch());

  const auto logins = auditRows("login");
  ASSERT_EQ(logins.size(), 2u) << logins.dump();
  EXPECT_EQ(logins[0]["problem_code"], "sts_unreachable") << logins.dump();
  EXPECT_EQ(logins[1]["outcome"], "ok") << logins.dump();
}

}  // namespace
}  // namespace ehagent::e2e
