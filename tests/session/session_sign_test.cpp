// POST /v1/sign with the eID Signature key: verified by the openssl CLI against the Signature
// certificate the agent returns and, independently, the one on the specimen; the PIN is asked for
// every signature.
#include <gtest/gtest.h>

#include <openssl/evp.h>

#include "tests/session/agent_harness.hpp"

namespace ehagent::sessiontest {
namespace {

std::string encode64(const std::string& bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::string decode64(const std::string& text) {
  std::string out(text.size(), '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
  if (n < 0) return {};
  std::size_t length = static_cast<std::size_t>(n);
  if (text.size() >= 1 && text[text.size() - 1] == '=') --length;
  if (text.size() >= 2 && text[text.size() - 2] == '=') --length;
  out.resize(length);
  return out;
}

std::size_t count(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

class SessionSignTest : public ::testing::Test {
 protected:
  bool opensslVerifies(const nlohmann::json& answer, const std::string& data, const std::string& tag) {
    const auto dir = agent_.dir();
    testsupport::writeFile(dir / (tag + ".data"), data);
    testsupport::writeFile(dir / (tag + ".sig"), decode64(answer.value("signature", "")));
    testsupport::writeFile(dir / (tag + ".crt"), answer.value("certificate", ""));
    const auto pub = testsupport::runCommand({"openssl", "x509", "-in", (dir / (tag + ".crt")).string(), "-pubkey", "-noout"});
    testsupport::writeFile(dir / (tag + ".pub"), pub.out);
    const auto verified = testsupport::runCommand({"openssl", "dgst", "-sha256", "-verify", (dir / (tag + ".pub")).string(),
                                                   "-signature", (dir / (tag + ".sig")).string(),
                                                   (dir / (tag + ".data")).string()});
    return verified.exitCode == 0 && verified.out.find("Verified OK") != std::string::npos;
  }
  AgentHarness agent_;
};

TEST_F(SessionSignTest, SignatureVerifiesWithOpensslAndThePinIsAskedEachTime) {
  agent_.start({8, "pin 1234\npin 1234\n"});
  ASSERT_TRUE(agent_.waitForStatus([](const nlohmann::json& s) { return s["practitioner"].is_object(); }))
      << agent_.stderrLog();
  const std::string data = "consent form v3, signed by the GP";
  const HttpResult first = agent_.request("POST", "/v1/sign", R"({"data":"Y29uc2VudCBmb3JtIHYzLCBzaWduZWQgYnkgdGhlIEdQ"})");
  ASSERT_EQ(first.status, 200) << first.body << agent_.stderrLog();
  EXPECT_EQ(first.json()["algorithm"], "sha256WithRSAEncryption");
  EXPECT_TRUE(opensslVerifies(first.json(), data, "first"));
  // The certificate is the card's Signature certificate, not the Authentication one.
  const std::string specimen_cert = testsupport::readFile(testsupport::SpecimenCopy::pki("alice-signature.pem"));
  auto trim = [](std::string t) { while (!t.empty() && std::isspace(static_cast<unsigned char>(t.back()))) t.pop_back(); return t; };
  EXPECT_EQ(trim(first.json()["certificate"].get<std::string>()), trim(specimen_cert));

  const HttpResult second = agent_.request("POST", "/v1/sign", R"({"data":"Y29uc2VudCBmb3JtIHYzLCBzaWduZWQgYnkgdGhlIEdQ"})");
  ASSERT_EQ(second.status, 200) << second.body;
  EXPECT_TRUE(opensslVerifies(second.json(), data, "second"));
  const std::string transcript = agent_.transcript();
  EXPECT_EQ(count(transcript, "GETPIN"), 2u) << transcript;
  // The prompt says what is signed in words (what the bytes are, their size), the digest as the
  // detail line after it (%0A is the escaped new line).
  EXPECT_NE(transcript.find("SETDESC TestEMR asks to sign with your qualified signature text of 33 bytes. "
                            "PIN for Alice SPECIMEN's eID (3 tries left)%0A%0ASHA-256 of what is signed: "
                            "2bea0f810229e0ed64d50787b17395cdd91646c48d991730401e86903062f7ce"),
            std::string::npos)
      << transcript;

  const HttpResult tampered = agent_.request("POST", "/v1/sign", R"({"data":"not base64!"})");
  EXPECT_EQ(tampered.status, 400);
  EXPECT_EQ(tampered.json()["code"], "invalid_input");
  const HttpResult audit = agent_.request("GET", "/v1/audit?operation=sign");
  EXPECT_GE(count(audit.body, "\"ok\""), 2u) << audit.body;
}

// The client's name for the document and the patient come first; the agent says what the bytes are.
TEST_F(SessionSignTest, TheSignatureDialogNamesTheDocumentKindThePatientAndTheFormat) {
  agent_.start({8, "pin 1234\npin 1234\n"});
  ASSERT_TRUE(agent_.waitForStatus([](const nlohmann::json& s) { return s["practitioner"].is_object(); }));
  const HttpResult pdf = agent_.request(
      "POST", "/v1/sign", R"({"data":"JVBERi0xLjcgcHJlc2NyaXB0aW9u","document_kind":"prescription","patient":"82110523358"})");
  ASSERT_EQ(pdf.status, 200) << pdf.body;
  const HttpResult digest = agent_.request(
      "POST", "/v1/sign",
      R"({"digest":"K+oPgQIp4O1k1QeHsXOVzdkWRsSNmRcwQB6GkDBi984=","digest_algorithm":"SHA-256"})");
  ASSERT_EQ(digest.status, 200) << digest.body;
  const std::string transcript = agent_.transcript();
  EXPECT_NE(transcript.find("asks to sign with your qualified signature a prescription (PDF document, 21 bytes) "
                            "for patient 82110523358. PIN for"),
            std::string::npos)
      << transcript;
  EXPECT_NE(transcript.find("asks to sign with your qualified signature a document that TestEMR hashed itself "
                            "(the agent does not see the document). PIN for Alice SPECIMEN's eID (3 tries left)"
                            "%0A%0ASHA-256 digest: 2bea0f810229e0ed64d50787b17395cdd91646c48d991730401e86903062f7ce"),
            std::string::npos)
      << transcript;

  const HttpResult control = agent_.request("POST", "/v1/sign", R"({"data":"AQID","document_kind":"a\nb"})");
  EXPECT_EQ(control.status, 400) << control.body;
  EXPECT_EQ(control.json()["pointer"], "/document_kind") << control.body;
}

// In Dutch: the document, its format and size (with a decimal comma), and the digest line.
TEST_F(SessionSignTest, TheSignatureDialogDescribesTheDocumentInTheConfiguredLanguage) {
  AgentSettings settings;
  settings.language = "nl";
  agent_.setPinScript("pin 1234\npin 1234\n");
  agent_.start(settings);
  ASSERT_TRUE(agent_.waitForStatus([](const nlohmann::json& s) { return s["practitioner"].is_object(); }));
  const std::string pdf = "%PDF-1.7 " + std::string(1491, 'x');  // 1.5 kB
  const HttpResult first = agent_.request("POST", "/v1/sign", nlohmann::json{{"data", encode64(pdf)}}.dump());
  ASSERT_EQ(first.status, 200) << first.body;
  const HttpResult second = agent_.request(
      "POST", "/v1/sign", R"({"data":"JVBERi0xLjcgcHJlc2NyaXB0aW9u","document_kind":"voorschrift"})");
  ASSERT_EQ(second.status, 200) << second.body;
  const std::string transcript = agent_.transcript();
  EXPECT_NE(transcript.find("TestEMR vraagt om met uw gekwalificeerde handtekening te ondertekenen: PDF-document "
                            "van 1,5 kB. PIN van"),
            std::string::npos)
      << transcript;
  EXPECT_NE(transcript.find("te ondertekenen: voorschrift (PDF-document, 21 bytes). PIN van"), std::string::npos)
      << transcript;
  EXPECT_NE(transcript.find("%0A%0ASHA-256 van wat ondertekend wordt: "), std::string::npos) << transcript;
  EXPECT_EQ(transcript.find("document of"), std::string::npos) << transcript;
}

TEST_F(SessionSignTest, WrongPinForASignatureIsReportedWithTheTriesLeft) {
  agent_.start({8, "pin 0000\n"});
  ASSERT_TRUE(agent_.waitForStatus([](const nlohmann::json& s) { return s["practitioner"].is_object(); }));
  const HttpResult answer = agent_.request("POST", "/v1/sign", R"({"data":"AQID"})");
  EXPECT_EQ(answer.status, 403) << answer.body;
  EXPECT_EQ(answer.json()["code"], "pin_incorrect");
  EXPECT_EQ(answer.json()["tries_left"], 2);
  EXPECT_EQ(agent_.fault().loginCount(kAliceEid), 1u);
}

}  // namespace
}  // namespace ehagent::sessiontest
