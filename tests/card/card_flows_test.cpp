// The card flows over the stack of a practitioner's machine: the virtual BELPIC card in vpcd,
// pcscd, and OpenSC's PKCS#11 module. OpenSC's own tools check the emulation; the agent then
// lists the card, logs in with the PIN the card verifies, signs a JWT that OpenSSL verifies
// against the card's certificate, spends one try on a wrong PIN, survives the card being pulled,
// and names the middleware when OpenSC refuses the Signature key.
#include <gtest/gtest.h>

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <thread>

#include "core/base64.hpp"
#include "core/bytes.hpp"
#include "tests/card/card_stack.hpp"
#include "tests/session/agent_harness.hpp"

namespace ehagent::cardtest {
namespace {

using sessiontest::AgentHarness;
using sessiontest::AgentSettings;
using sessiontest::HttpResult;
using testsupport::CommandResult;
using testsupport::SpecimenCopy;

constexpr const char* kAliceSsin = "78031215280";

class CardFlowsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (const std::string missing = missingParts(); !missing.empty()) {
      GTEST_SKIP() << "the card stack needs:" << missing << " (scripts/install-deps.sh installs them)";
    }
    stack_ = std::make_unique<CardStack>();
    stack_->insert("alice");
  }

  // The agent over OpenSC for the eID and the fault module for the SoftHSM eHealth tokens, with
  // the SoftHSM eIDs out so that the virtual card is the only eID.
  void startAgent(const std::string& pin_script, bool login_on_insert = false) {
    agent_.fault().removeCard(sessiontest::kAliceEid);
    agent_.fault().removeCard("Bob SPECIMEN");
    agent_.setPinScript(pin_script);
    AgentSettings settings;
    settings.modules = {openscModule()};
    settings.env = {stack_->environment()};
    settings.login_on_insert = login_on_insert;
    agent_.start(settings);
  }

  bool practitionerIs(const std::string& ssin) {
    return agent_.waitForStatus([&](const nlohmann::json& s) {
      return s.contains("practitioner") && s["practitioner"].is_object() && s["practitioner"].value("ssin", "") == ssin;
    });
  }

  [[nodiscard]] fs::path file(const std::string& name) const { return stack_->dir() / name; }

  // Whether OpenSSL verifies `signature` over `data` (SHA-256, PKCS#1 v1.5) with the key of the
  // certificate in `cert_pem`.
  bool opensslVerifies(const std::string& data, const std::vector<std::uint8_t>& signature, const fs::path& cert_pem) {
    testsupport::writeFile(file("signed.bin"), data);
    testsupport::writeFile(file("signature.bin"), signature);
    const CommandResult key = testsupport::runCommand({"openssl", "x509", "-in", cert_pem.string(), "-pubkey", "-noout"});
    testsupport::writeFile(file("public.pem"), key.out);
    return testsupport::runCommand({"openssl", "dgst", "-sha256", "-verify", file("public.pem").string(), "-signature",
                                    file("signature.bin").string(), file("signed.bin").string()})
               .exitCode == 0;
  }

  std::unique_ptr<CardStack> stack_;
  AgentHarness agent_;
};

// The emulation checked by tools that are not this project's: OpenSC's pkcs11-tool reads the
// certificate and signs with the Authentication key; OpenSSL verifies with that certificate.
TEST_F(CardFlowsTest, PkcsToolReadsTheCardAndOpensslVerifiesItsSignature) {
  const CommandResult cert = stack_->run({"pkcs11-tool", "--module", openscModule(), "--read-object", "--type", "cert",
                                          "--id", "02", "--output-file", file("auth.der").string()});
  ASSERT_EQ(cert.exitCode, 0) << cert.out << cert.err;
  const CommandResult pem = testsupport::runCommand(
      {"openssl", "x509", "-inform", "der", "-in", file("auth.der").string(), "-out", file("auth.pem").string()});
  ASSERT_EQ(pem.exitCode, 0) << pem.err;
  const CommandResult subject = testsupport::runCommand({"openssl", "x509", "-in", file("auth.pem").string(), "-noout", "-subject"});
  EXPECT_NE(subject.out.find("serialNumber = 78031215280"), std::string::npos) << subject.out;
  // The card holds the certificate the specimen PKI issued to Alice, chained to its Citizen CA.
  const CommandResult chain = testsupport::runCommand({"openssl", "verify", "-CAfile", SpecimenCopy::pki("eid-chain.pem").string(),
                                                       file("auth.pem").string()});
  EXPECT_EQ(chain.exitCode, 0) << chain.out << chain.err;

  const std::string data = "signed by the virtual card";
  testsupport::writeFile(file("data.txt"), data);
  const CommandResult sign = stack_->run({"pkcs11-tool", "--module", openscModule(), "--login", "--pin", "1234", "--sign",
                                          "--id", "02", "--mechanism", "SHA256-RSA-PKCS", "--input-file",
                                          file("data.txt").string(), "--output-file", file("sig.bin").string()});
  ASSERT_EQ(sign.exitCode, 0) << sign.out << sign.err;
  const std::string sig = testsupport::readFile(file("sig.bin"));
  EXPECT_TRUE(opensslVerifies(data, std::vector<std::uint8_t>(sig.begin(), sig.end()), file("auth.pem")));
  EXPECT_FALSE(opensslVerifies(data + ".", std::vector<std::uint8_t>(sig.begin(), sig.end()), file("auth.pem")));
  EXPECT_EQ(stack_->triesLeft(), 3);
}

TEST_F(CardFlowsTest, CardsListsTheCardItsHolderAndItsUri) {
  const CommandResult cards = stack_->run({testsupport::agentExe(), "cards", "--module", openscModule(), "--json"});
  ASSERT_EQ(cards.exitCode, 0) << cards.out << cards.err;
  const nlohmann::json listed = nlohmann::json::parse(cards.out, nullptr, false);
  ASSERT_FALSE(listed.is_discarded()) << cards.out;
  const std::string text = listed.dump();
  EXPECT_NE(text.find("\"eid-rsa\""), std::string::npos) << text;
  EXPECT_NE(text.find(kAliceSsin), std::string::npos) << text;
  EXPECT_NE(text.find("pkcs11:"), std::string::npos) << text;
  EXPECT_NE(text.find("BELPIC"), std::string::npos) << text;
}

// The login's eID PIN is verified by the card itself; the JWT is signed by the card's
// Authentication key and verifies with OpenSSL against the certificate read from the card.
TEST_F(CardFlowsTest, LoginAndAPractitionerJwtSignedByTheCard) {
  startAgent("pin 1234\npin 1234\n");
  ASSERT_TRUE(practitionerIs(kAliceSsin)) << agent_.stderrLog();
  const HttpResult login = agent_.request("POST", "/v1/session");
  ASSERT_EQ(login.status, 200) << login.body << agent_.stderrLog();
  EXPECT_EQ(login.json()["practitioner"]["ssin"], kAliceSsin);
  EXPECT_EQ(stack_->triesLeft(), 3);

  const HttpResult token =
      agent_.request("POST", "/v1/tokens/jwt", R"({"kind":"practitioner","audience":"https://emr.example"})");
  ASSERT_EQ(token.status, 200) << token.body;
  const std::string jwt = token.json()["jwt"];
  const auto dot = jwt.rfind('.');
  ASSERT_NE(dot, std::string::npos);
  const nlohmann::json header = nlohmann::json::parse(asText(base64UrlDecode(jwt.substr(0, jwt.find('.')))));
  EXPECT_EQ(header["alg"], "RS256");
  const CommandResult cert = stack_->run({"pkcs11-tool", "--module", openscModule(), "--read-object", "--type", "cert",
                                          "--id", "02", "--output-file", file("auth.der").string()});
  ASSERT_EQ(cert.exitCode, 0) << cert.err;
  ASSERT_EQ(testsupport::runCommand({"openssl", "x509", "-inform", "der", "-in", file("auth.der").string(), "-out",
                                     file("auth.pem").string()})
                .exitCode,
            0);
  EXPECT_TRUE(opensslVerifies(jwt.substr(0, dot), base64UrlDecode(jwt.substr(dot + 1)), file("auth.pem")));
  EXPECT_FALSE(opensslVerifies(jwt.substr(0, dot), base64UrlDecode(jwt.substr(dot + 1)),
                               SpecimenCopy::pki("bob-authentication.pem")));
}

TEST_F(CardFlowsTest, AWrongPinSpendsExactlyOneTryOnTheCard) {
  startAgent("pin 9999\npin 1234\npin 1234\n");
  ASSERT_TRUE(practitionerIs(kAliceSsin)) << agent_.stderrLog();
  const HttpResult wrong = agent_.request("POST", "/v1/session");
  ASSERT_EQ(wrong.status, 403) << wrong.body;
  EXPECT_EQ(wrong.json()["code"], "pin_incorrect") << wrong.body;
  EXPECT_EQ(stack_->triesLeft(), 2);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_EQ(stack_->triesLeft(), 2) << "the agent retried the PIN on its own";

  const HttpResult right = agent_.request("POST", "/v1/session");
  ASSERT_EQ(right.status, 200) << right.body;
  EXPECT_EQ(stack_->triesLeft(), 3);
  const std::string transcript = agent_.transcript();
  EXPECT_EQ(transcript.find("9999"), std::string::npos) << "the PIN reached the transcript";
  EXPECT_EQ(agent_.stderrLog().find("9999"), std::string::npos) << "the PIN reached the log";
}

TEST_F(CardFlowsTest, TheCardPulledAndPutBackWhileTheAgentRuns) {
  startAgent("pin 1234\npin 1234\npin 1234\npin 1234\n");
  ASSERT_TRUE(practitionerIs(kAliceSsin)) << agent_.stderrLog();
  ASSERT_EQ(agent_.request("POST", "/v1/session").status, 200);
  const std::string events = agent_.readEventsUntil("card_removed", [&] { stack_->pull(); });
  EXPECT_NE(events.find("card_removed"), std::string::npos) << events;
  ASSERT_TRUE(agent_.waitForStatus([](const nlohmann::json& s) { return s["session"].is_null(); })) << agent_.stderrLog();
  const HttpResult without = agent_.request("POST", "/v1/tokens/jwt", R"({"kind":"practitioner","audience":"https://emr.example"})");
  EXPECT_EQ(without.status / 100, 4) << without.body;

  stack_->insert("alice");
  ASSERT_TRUE(practitionerIs(kAliceSsin)) << agent_.stderrLog();
  const HttpResult again = agent_.request("POST", "/v1/session");
  ASSERT_EQ(again.status, 200) << again.body << agent_.stderrLog();
  const HttpResult token =
      agent_.request("POST", "/v1/tokens/jwt", R"({"kind":"practitioner","audience":"https://emr.example"})");
  EXPECT_EQ(token.status, 200) << token.body;
}

// login_on_insert over the real stack: the card going into the reader is the login; the card
// verifies the PIN once.
TEST_F(CardFlowsTest, InsertingTheCardLogsInThroughOpensc) {
  stack_->pull();
  startAgent("pin 1234\npin 1234\n", true);
  const std::string events = agent_.readEventsUntil("event: session.login", [&] { stack_->insert("alice"); },
                                                    std::chrono::seconds(40));
  ASSERT_NE(events.find("event: session.login\n"), std::string::npos) << events << agent_.stderrLog();
  EXPECT_LT(events.find("event: card.inserted"), events.find("event: card.identified")) << events;
  EXPECT_LT(events.find("event: card.identified"), events.find("event: session.login\n")) << events;
  EXPECT_EQ(stack_->triesLeft(), 3);
  const HttpResult token =
      agent_.request("POST", "/v1/tokens/jwt", R"({"kind":"practitioner","audience":"https://emr.example"})");
  EXPECT_EQ(token.status, 200) << token.body;
}

// OpenSC's BELPIC driver refuses the Signature key (card-belpic.c: no dialog for the
// non-repudiation PIN). The client gets a problem that names the module, not a card_error.
TEST_F(CardFlowsTest, TheSignatureKeyRefusedByOpenscNamesTheMiddleware) {
  startAgent("pin 1234\npin 1234\npin 1234\n");
  ASSERT_TRUE(practitionerIs(kAliceSsin)) << agent_.stderrLog();
  ASSERT_EQ(agent_.request("POST", "/v1/session").status, 200);
  const HttpResult sign = agent_.request("POST", "/v1/sign", R"({"data":"aGVsbG8=","document_kind":"note"})");
  ASSERT_EQ(sign.status, 409) << sign.body;
  EXPECT_EQ(sign.json()["code"], "key_refused_by_middleware") << sign.body;
  const std::string detail = sign.json().value("detail", "");
  EXPECT_NE(detail.find("OpenSC"), std::string::npos) << detail;
  EXPECT_NE(detail.find("libbeidpkcs11.so"), std::string::npos) << detail;
  EXPECT_EQ(stack_->triesLeft(), 3);
  const auto rows = agent_.request("GET", "/v1/audit?operation=sign").json()["rows"];
  ASSERT_FALSE(rows.empty()) << rows.dump();
  EXPECT_EQ(rows.back()["problem_code"], "key_refused_by_middleware") << rows.dump();
}

nlohmann::json doctorChecks(const CommandResult& result) {
  const nlohmann::json report = nlohmann::json::parse(result.out, nullptr, false);
  nlohmann::json byName = nlohmann::json::object();
  if (!report.is_object()) return byName;
  for (const auto& check : report["checks"]) byName[check["name"].get<std::string>()] = check;
  return byName;
}

// The doctor sees pcscd, the reader with the card in it, and says what OpenSC cannot do.
TEST_F(CardFlowsTest, DoctorChecksPcscdTheReadersAndTheMiddleware) {
  const testsupport::TempDir home("ehagent-card-home");
  const CommandResult result = stack_->run({"HOME=" + home.path().string(), EHAGENT_INSTALL, "doctor", "--json",
                                            "--module", openscModule()});
  const nlohmann::json checks = doctorChecks(result);
  ASSERT_TRUE(checks.contains("pcscd")) << result.out << result.err;
  EXPECT_EQ(checks["pcscd"]["state"], "ok") << checks.dump(1);
  EXPECT_EQ(checks["readers"]["state"], "ok") << checks.dump(1);
  EXPECT_NE(checks["readers"]["detail"].get<std::string>().find("Virtual PCD 00 00 (card in)"), std::string::npos)
      << checks.dump(1);
  EXPECT_EQ(checks["eid_middleware"]["state"], "warn") << checks.dump(1);
  EXPECT_NE(checks["eid_middleware"]["detail"].get<std::string>().find("key_refused_by_middleware"), std::string::npos);

  stack_->pull();
  const nlohmann::json empty = doctorChecks(stack_->run({"HOME=" + home.path().string(), EHAGENT_INSTALL, "doctor", "--json"}));
  EXPECT_NE(empty["readers"]["detail"].get<std::string>().find("Virtual PCD 00 00 (empty)"), std::string::npos)
      << empty.dump(1);
}

// A socket file that nobody listens on (pcscd killed without cleaning up) is a failure with a fix.
TEST_F(CardFlowsTest, DoctorReportsAPcscdThatDoesNotAnswer) {
  const testsupport::TempDir dir("ehagent-card-stale");
  const std::string path = (dir.path() / "pcscd.comm").string();
  const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::strncpy(address.sun_path, path.c_str(), sizeof address.sun_path - 1);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  ::close(fd);  // bound, never listening: connect() is refused
  const CommandResult result = testsupport::runCommand(
      {"env", "PCSCLITE_CSOCK_NAME=" + path, "HOME=" + dir.path().string(), EHAGENT_INSTALL, "doctor", "--json"});
  const nlohmann::json checks = doctorChecks(result);
  ASSERT_TRUE(checks.contains("pcscd")) << result.out << result.err;
  EXPECT_EQ(checks["pcscd"]["state"], "fail") << checks.dump(1);
  EXPECT_NE(checks["pcscd"]["hint"].get<std::string>().find("systemctl restart"), std::string::npos);
  EXPECT_EQ(result.exitCode, 1);
}

}  // namespace
}  // namespace ehagent::cardtest
