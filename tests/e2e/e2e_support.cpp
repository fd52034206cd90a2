#include <chrono>
#include <string_view>
#include <thread>

#include "tests/e2e/e2e_fixture.hpp"

namespace ehagent::e2e {
namespace {

constexpr const char* kWsuNs = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd";

Check run(const std::vector<std::string>& argv, const std::string& input = {}) {
  const auto r = testsupport::runCommand(argv, input);
  return {r.exitCode == 0, r.out + r.err};
}

std::string base64UrlToStd(std::string text) {
  for (char& c : text) {
    if (c == '-') c = '+';
    if (c == '_') c = '/';
  }
  while (text.size() % 4 != 0) text += '=';
  return text;
}

// A plain decoder, so that the JWT is read by nothing the agent shares.
std::string base64Decode(const std::string& text) {
  static const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  unsigned value = 0;
  int bits = 0;
  for (char c : text) {
    if (c == '=') break;
    const auto at = alphabet.find(c);
    if (at == std::string::npos) throw std::invalid_argument("not base64");
    value = (value << 6) | static_cast<unsigned>(at);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((value >> bits) & 0xFF);
    }
  }
  return out;
}

}  // namespace

Check xmlsecAssertion(const fs::path& dir, const std::string& assertion, const std::vector<std::string>& keyOptions) {
  const fs::path file = dir / "assertion.xml";
  testsupport::writeFile(file, assertion);
  std::vector<std::string> argv = {"xmlsec1", "--verify"};
  argv.insert(argv.end(), keyOptions.begin(), keyOptions.end());
  argv.insert(argv.end(), {"--id-attr:AssertionID", "urn:oasis:names:tc:SAML:1.0:assertion:Assertion", file.string()});
  return run(argv);
}

Check xmlsecEnvelope(const fs::path& dir, const std::string& envelope, const fs::path& cert) {
  const fs::path file = dir / "envelope.xml";
  testsupport::writeFile(file, envelope);
  return run({"xmlsec1", "--verify", "--pubkey-cert-pem", cert.string(), "--id-attr:Id",
              "http://schemas.xmlsoap.org/soap/envelope/:Body", "--id-attr:Id", std::string(kWsuNs) + ":Timestamp",
              "--node-xpath", "//*[local-name()='Signature' and parent::*[local-name()='Security']]", file.string()});
}

Check joseVerify(const fs::path& dir, const std::string& jwt, const fs::path& cert, const std::string& alg,
                 const nlohmann::json& expected) {
  const fs::path jwtFile = dir / "token.jwt";
  const fs::path claimsFile = dir / "claims.json";
  testsupport::writeFile(jwtFile, jwt);
  testsupport::writeFile(claimsFile, expected.dump());
  return run({"node", std::string(EHAGENT_JOSE_DIR) + "/verify.mjs", jwtFile.string(), cert.string(), alg,
              claimsFile.string()});
}

nlohmann::json jwtPart(const std::string& jwt, int index) {
  std::size_t start = 0;
  for (int i = 0; i < index; ++i) start = jwt.find('.', start) + 1;
  const std::size_t end = jwt.find('.', start);
  return nlohmann::json::parse(base64Decode(base64UrlToStd(jwt.substr(start, end - start))), nullptr, false);
}

void EndToEnd::loginAs(const Person& who, bool otherEidIn) { startAs(who, otherEidIn, true); }

void EndToEnd::startAs(const Person& who, bool otherEidIn, bool login, const std::string& pin_script) {
  // Without the other practitioner's eHealth token only `who` qualifies, whatever the slot order.
  agent_.fault().insertCard(who.ehealth);
  for (const Person* other : {&kAlice, &kBob}) {
    if (std::string_view(other->ssin) == who.ssin) continue;
    agent_.fault().removeCard(other->ehealth);
    if (!otherEidIn) agent_.fault().removeCard(other->eid);
  }
  const std::string ca = SpecimenCopy::pki("sandbox-ca.pem").string();
  sessiontest::AgentSettings& settings = settings_;
  settings.pin_script = pin_script;
  settings.extra_config = "\n[sts]\nendpoint = \"" + sandbox_.base() + "/IAM/SecurityTokenService/v1\"\n" +
                          "trust = [\"" + SpecimenCopy::pki("sandbox-sts.pem").string() + "\"]\n" +
                          "ca_file = \"" + ca + "\"\n" +
                          "\n[hubs.sandbox]\nendpoint = \"" + sandbox_.base() + "/hubservices/intrahub/v3\"\n" +
                          "hub_id = \"1990000035\"\nca_file = \"" + ca + "\"\n";
  try {
    agent_.start(settings);
    startedAndLoggedIn(who, otherEidIn, login);
  } catch (const std::exception& e) {
    FAIL() << e.what() << "\n" << agent_.stderrLog();
  }
}

void EndToEnd::restartOnTheSamePort(const Person& who) {
  settings_.port = agent_.port();
  settings_.pin_script.clear();  // the script goes on where it was
  try {
    agent_.start(settings_);
  } catch (const std::exception& e) {
    FAIL() << e.what() << "\n" << agent_.stderrLog();
  }
  startedAndLoggedIn(who, false, false);
}

void EndToEnd::startedAndLoggedIn(const Person& who, bool otherEidIn, bool login) {
  const std::string ssin = who.ssin;
  ASSERT_TRUE(agent_.waitForStatus([&](const nlohmann::json& s) {
    return s.contains("practitioner") && s["practitioner"].is_object() && s["practitioner"].value("ssin", "") == ssin;
  })) << agent_.stderrLog();
  if (otherEidIn) {
    // The patient's card must be seen too before a hub call reads it.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < deadline &&
           call("GET", "/v1/cards").body.find(std::string_view(who.ssin) == kAlice.ssin ? kBob.ssin : kAlice.ssin) == std::string::npos) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
  if (!login) return;
  const HttpResult session = call("POST", "/v1/session");
  ASSERT_EQ(session.status, 200) << session.body << agent_.stderrLog();
  ASSERT_EQ(session.json()["practitioner"]["ssin"], who.ssin) << session.body;
}

nlohmann::json EndToEnd::auditRows(const std::string& operation) const {
  const HttpResult r = call("GET", "/v1/audit?operation=" + operation);
  EXPECT_EQ(r.status, 200) << r.body;
  const auto body = r.json();
  return body.is_object() && body.contains("rows") ? body["rows"] : nlohmann::json::array();
}

testsupport::CommandResult EndToEnd::ehagentCli(const std::vector<std::string>& args) const {
  std::vector<std::string> argv = {testsupport::agentExe(), "--config", (agent_.dir() / "agent.toml").string()};
  argv.insert(argv.end(), args.begin(), args.end());
  return testsupport::runCommand(argv);
}

}  // namespace ehagent::e2e
