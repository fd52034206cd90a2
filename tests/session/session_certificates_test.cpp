// The certificate checks of POST /v1/session over the real agent: the specimen chain against the
// agent's trust store, a real `openssl ocsp` responder for the Citizen CA (specimen) on loopback,
// a CRL of the eHealth CA (specimen), and certificates re-issued onto the fixture's own eHealth
// token with OpenSSL and pkcs11-tool. A refusal comes before any PIN: the scripted pinentry is
// never asked and the card sees no C_Login.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <ctime>
#include <future>
#include <memory>

#include "certs/certificate.hpp"
#include "tests/certs/ocsp_responder.hpp"
#include "tests/session/agent_harness.hpp"

namespace ehagent::sessiontest {
namespace {

using certs::testing::OcspResponder;
using testsupport::SpecimenCopy;

constexpr const char* kEidCertificate = "eID Authentication certificate";
constexpr const char* kEhealthCertificate = "eHealth certificate";
constexpr const char* kAliceEhealthSubject =
    "/C=BE/O=Federal Government/OU=eHealth-platform Belgium/OU=DOCTOR/OU=NIHII-NUMBER=10012378004/"
    "OU=SSIN=78031215280/CN=SSIN=78031215280";
constexpr const char* kPins = "pin 1234\npin 1234\n";

std::string serialHexOf(const fs::path& pem) {
  std::string hex = certs::Certificate::loadFile(pem).serialHex();
  return hex.size() % 2 == 0 ? hex : "0" + hex;  // as `openssl ca` writes its index
}

// An `openssl ca` time, `offset` from now.
std::string caTime(std::chrono::seconds offset) {
  const std::time_t t =
      std::chrono::system_clock::to_time_t(std::chrono::system_clock::now() + offset);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y%m%d%H%M%SZ", &tm);
  return text;
}

void runOk(const std::vector<std::string>& argv) {
  const auto r = testsupport::runCommand(argv);
  ASSERT_EQ(r.exitCode, 0) << argv[0] << " " << argv[1] << ": " << r.out << r.err;
}

// The next connection to `listener`; -1 if none comes within a generous minute.
int acceptOne(int listener) {
  pollfd p{listener, POLLIN, 0};
  if (::poll(&p, 1, 60'000) != 1) return -1;
  return ::accept(listener, nullptr, nullptr);
}

// The warning with this code, or null.
nlohmann::json warningOf(const nlohmann::json& warnings, const std::string& code) {
  for (const auto& w : warnings) {
    if (w.value("code", "") == code) return w;
  }
  return nullptr;
}

class SessionCertificatesTest : public ::testing::Test {
 protected:
  void SetUp() override { fs::create_directories(work()); }

  [[nodiscard]] fs::path work() const { return agent_.dir() / "pki"; }

  // A responder for the Citizen CA, signing as the CA itself; Alice's Authentication certificate
  // good or revoked in its index.
  std::unique_ptr<OcspResponder> citizenCaResponder(bool alice_revoked) const {
    const fs::path index = certs::testing::writeIndex(
        work(), {{serialHexOf(SpecimenCopy::pki("alice-authentication.pem")), "/CN=Alice SPECIMEN",
                  alice_revoked}});
    return std::make_unique<OcspResponder>(certs::testing::OcspResponderSetup{
        work(), index, SpecimenCopy::pki("citizen-ca.pem"), SpecimenCopy::pki("citizen-ca.pem"),
        SpecimenCopy::pki("private/citizen-ca.key")});
  }

  // The eHealth CA's CRL, revoking nothing: the eHealth certificate's answer under every policy.
  [[nodiscard]] fs::path ehealthCrl() const {
    const fs::path dir = work() / "ehealth-crl";
    fs::create_directories(dir);
    return certs::testing::makeCrl(dir, certs::testing::writeIndex(dir, {}),
                                   SpecimenCopy::pki("ehealth-ca.pem"),
                                   SpecimenCopy::pki("private/ehealth-ca.key"));
  }

  // [revocation]: the responder answers for the eID certificate (and not for the eHealth one,
  // which the CRL covers).
  [[nodiscard]] std::string revocation(const std::string& policy, const std::string& responder,
                                       const std::string& timeout_seconds = "5") const {
    return "\n[revocation]\npolicy = \"" + policy + "\"\nocsp_responder = \"" + responder +
           "\"\ncrl_files = [\"" + ehealthCrl().string() +
           "\"]\nfetch_crl_distribution_points = false\ncache = false\ntimeout_seconds = " +
           timeout_seconds + "\n";
  }

  void start(AgentSettings settings) {
    settings.pin_script = kPins;
    agent_.start(settings);
    ASSERT_TRUE(agent_.waitForStatus([](const nlohmann::json& s) {
      return s["practitioner"].is_object() &&
             s["practitioner"].value("ehealth_token", "") == kAliceEhealth;
    })) << agent_.stderrLog();
  }

  // Re-issues Alice's eHealth certificate (her key, the specimen eHealth CA) with this subject and
  // validity, and puts it in place of the one on her eHealth token in this fixture's SoftHSM copy.
  void reissueAliceEhealth(const std::string& subject, const std::string& start,
                           const std::string& end) const {
    const fs::path dir = work() / "reissue";
    fs::create_directories(dir);
    testsupport::writeFile(dir / "index.txt", "");
    testsupport::writeFile(dir / "serial", "7001\n");
    testsupport::writeFile(
        dir / "ca.cnf",
        "[ca]\ndefault_ca = d\n[d]\ndatabase = " + (dir / "index.txt").string() +
            "\nnew_certs_dir = " + dir.string() + "\nserial = " + (dir / "serial").string() +
            "\ndefault_md = sha256\npolicy = any\nunique_subject = no\n"
            "x509_extensions = ehealth\n[any]\n[ehealth]\nbasicConstraints = CA:FALSE\n"
            "keyUsage = critical, digitalSignature, keyEncipherment\n"
            "extendedKeyUsage = clientAuth\n");
    const std::string req = (dir / "req.pem").string();
    const std::string pem = (dir / "cert.pem").string();
    const std::string der = (dir / "cert.der").string();
    ASSERT_NO_FATAL_FAILURE(
        runOk({"openssl", "req", "-new", "-key", SpecimenCopy::ehealth("alice.key").string(),
               "-subj", subject, "-out", req}));
    ASSERT_NO_FATAL_FAILURE(
        runOk({"openssl", "ca", "-batch", "-config", (dir / "ca.cnf").string(), "-in", req, "-out",
               pem, "-cert", SpecimenCopy::pki("ehealth-ca.pem").string(), "-keyfile",
               SpecimenCopy::pki("private/ehealth-ca.key").string(), "-startdate", start,
               "-enddate", end, "-notext", "-preserveDN"}));
    ASSERT_NO_FATAL_FAILURE(runOk({"openssl", "x509", "-in", pem, "-outform", "DER", "-out", der}));
    // SOFTHSM2_CONF points at the harness's private copy of the tokens.
    const std::vector<std::string> token = {
        "pkcs11-tool",   "--module",    testsupport::softhsmModule(),
        "--token-label", kAliceEhealth, "--login",
        "--pin",         "1234"};
    std::vector<std::string> remove = token;
    remove.insert(remove.end(), {"--delete-object", "--type", "cert", "--label", "authentication"});
    ASSERT_NO_FATAL_FAILURE(runOk(remove));
    std::vector<std::string> write = token;
    write.insert(write.end(),
                 {"--write-object", der, "--type", "cert", "--label", "authentication", "--id",
                  "61757468656e7469636174696f6e"});  // "authentication", as the import names it
    ASSERT_NO_FATAL_FAILURE(runOk(write));
  }

  // POST /v1/session logs in with a warning `code` about `certificate`, in the answer and the log.
  HttpResult loginWarns(const std::string& code, const std::string& certificate) {
    const HttpResult login = agent_.request("POST", "/v1/session");
    EXPECT_EQ(login.status, 200) << login.body;
    const nlohmann::json warning = warningOf(login.json()["session"]["warnings"], code);
    EXPECT_EQ(warning.is_object() ? warning["certificate"] : nlohmann::json(), certificate)
        << login.body;
    EXPECT_NE(agent_.stderrLog().find("login warning (" + code + ")"), std::string::npos);
    return login;
  }

  // The URL of a responder that was started and stopped again.
  [[nodiscard]] std::string stoppedResponderUrl() const {
    auto responder = citizenCaResponder(false);
    responder->stop();
    return responder->url();
  }

  // POST /v1/session is refused with `code` for `certificate` before any PIN, its detail saying
  // each of `detail_has`: no pinentry question, no C_Login, the tries untouched, and an audit row
  // carrying the code.
  void loginIsRefusedBeforeAnyPin(int status, const std::string& code,
                                  const std::string& certificate,
                                  const std::vector<std::string>& detail_has = {}) {
    const HttpResult login = agent_.request("POST", "/v1/session");
    EXPECT_EQ(login.status, status) << login.body;
    EXPECT_EQ(login.json().value("code", ""), code) << login.body;
    EXPECT_EQ(login.json().value("certificate", ""), certificate) << login.body;
    const std::string detail = login.json().value("detail", "");
    EXPECT_FALSE(detail.empty()) << login.body;
    for (const std::string& part : detail_has)
      EXPECT_NE(detail.find(part), std::string::npos) << detail;
    EXPECT_EQ(agent_.transcript().find("GETPIN"), std::string::npos) << agent_.transcript();
    EXPECT_EQ(agent_.fault().loginCount(kAliceEid), 0u);
    EXPECT_EQ(agent_.fault().loginCount(kAliceEhealth), 0u);
    EXPECT_EQ(agent_.fault().triesLeft(kAliceEid).value_or(3), 3u);
    const nlohmann::json rows = agent_.request("GET", "/v1/audit?operation=login").json()["rows"];
    ASSERT_TRUE(rows.is_array() && !rows.empty()) << rows;
    EXPECT_EQ(rows.back()["outcome"], "refused");
    EXPECT_EQ(rows.back()["problem_code"], code);
  }

  AgentHarness agent_;
};

TEST_F(SessionCertificatesTest, AGoodOcspAnswerLogsInUnderTheStrictPolicy) {
  const auto responder = citizenCaResponder(false);
  AgentSettings settings;
  settings.extra_config = revocation("strict", responder->url());
  ASSERT_NO_FATAL_FAILURE(start(settings));
  const HttpResult login = agent_.request("POST", "/v1/session");
  ASSERT_EQ(login.status, 200) << login.body << agent_.stderrLog();
  const nlohmann::json session = login.json()["session"];
  ASSERT_EQ(session["certificates"].size(), 2u) << session;
  EXPECT_EQ(session["certificates"][0]["certificate"], kEidCertificate);
  EXPECT_EQ(session["certificates"][0]["revocation"], "good");
  EXPECT_EQ(session["certificates"][0]["revocation_source"], "ocsp " + responder->url());
  EXPECT_EQ(session["certificates"][1]["certificate"], kEhealthCertificate);
  EXPECT_EQ(session["certificates"][1]["revocation"], "good");
  EXPECT_EQ(session["certificates"][1]["revocation_source"].get<std::string>().rfind("crl ", 0), 0u)
      << session;
  EXPECT_EQ(session["warnings"], nlohmann::json::array()) << session;
  EXPECT_EQ(agent_.fault().loginCount(kAliceEid), 1u);
}

TEST_F(SessionCertificatesTest, ARevokedAuthenticationCertificateIsRefusedBeforeAnyPin) {
  const auto responder = citizenCaResponder(true);
  AgentSettings settings;
  settings.extra_config =
      revocation("soft-fail", responder->url());  // revoked refuses under every policy
  ASSERT_NO_FATAL_FAILURE(start(settings));
  loginIsRefusedBeforeAnyPin(403, "certificate_revoked", kEidCertificate, {"keyCompromise"});
}

TEST_F(SessionCertificatesTest, NoAnswerUnderTheStrictPolicyIsRevocationUnknown) {
  AgentSettings settings;
  // A short timeout: OpenSSL retries a refused connection until it runs out.
  settings.extra_config = revocation("strict", stoppedResponderUrl(), "1");
  ASSERT_NO_FATAL_FAILURE(start(settings));
  loginIsRefusedBeforeAnyPin(503, "revocation_unknown", kEidCertificate, {"strict", "soft-fail"});
}

TEST_F(SessionCertificatesTest, NoAnswerUnderSoftFailLogsInWithAWarning) {
  AgentSettings settings;
  settings.extra_config = revocation("soft-fail", stoppedResponderUrl(), "1");
  ASSERT_NO_FATAL_FAILURE(start(settings));
  const HttpResult login = loginWarns("revocation_unknown", kEidCertificate);
  EXPECT_EQ(login.json()["session"]["certificates"][0]["revocation"], "unknown");
  EXPECT_TRUE(agent_.waitForStatus([](const nlohmann::json& s) {
    return s["session"].is_object() &&
           warningOf(s["session"]["warnings"], "revocation_unknown").is_object();
  }));
}

TEST_F(SessionCertificatesTest, PolicyOffAsksNoResponder) {
  auto responder = citizenCaResponder(true);  // would refuse, if it were asked
  AgentSettings settings;
  settings.extra_config = revocation("off", responder->url());
  ASSERT_NO_FATAL_FAILURE(start(settings));
  const HttpResult login = agent_.request("POST", "/v1/session");
  ASSERT_EQ(login.status, 200) << login.body;
  EXPECT_EQ(login.json()["session"]["certificates"][0]["revocation"], "not_checked");
  EXPECT_EQ(login.json()["session"]["warnings"], nlohmann::json::array());
}

TEST_F(SessionCertificatesTest, AChainTheTrustStoreDoesNotKnowIsRefusedBeforeAnyPin) {
  AgentSettings settings;
  settings.trust_specimen = false;  // only the bundled Belgian roots
  ASSERT_NO_FATAL_FAILURE(start(settings));
  loginIsRefusedBeforeAnyPin(403, "certificate_untrusted", kEidCertificate,
                             {"ehagent-install trust add"});
}

TEST_F(SessionCertificatesTest, AnExpiredEhealthCertificateIsRefusedBeforeAnyPin) {
  ASSERT_NO_FATAL_FAILURE(
      reissueAliceEhealth(kAliceEhealthSubject, "20200101000000Z", "20210101000000Z"));
  ASSERT_NO_FATAL_FAILURE(start({}));
  loginIsRefusedBeforeAnyPin(403, "certificate_expired", kEhealthCertificate,
                             {"expired on 2021-01-01", "ehagent-install certs import"});
}

TEST_F(SessionCertificatesTest, AnEhealthCertificateExpiringSoonLogsInWithAWarning) {
  using std::chrono::hours;
  ASSERT_NO_FATAL_FAILURE(
      reissueAliceEhealth(kAliceEhealthSubject, caTime(-hours(24)), caTime(hours(10 * 24 + 12))));
  ASSERT_NO_FATAL_FAILURE(start({}));
  const HttpResult login = loginWarns("certificate_expiring", kEhealthCertificate);
  EXPECT_EQ(warningOf(login.json()["session"]["warnings"], "certificate_expiring")["days_left"], 10)
      << login.body;
}

TEST_F(SessionCertificatesTest, ANihiiFailingItsCheckDigitsIsKeptWithAWarning) {
  // 100123 asks for check digits 78 (97 - 100123 mod 97); 79 fails the check.
  std::string subject = kAliceEhealthSubject;
  subject.replace(subject.find("10012378004"), 11, "10012379004");
  ASSERT_NO_FATAL_FAILURE(reissueAliceEhealth(subject, caTime(-std::chrono::hours(24)),
                                              caTime(std::chrono::hours(24 * 365))));
  ASSERT_NO_FATAL_FAILURE(start({}));
  const nlohmann::json status = agent_.request("GET", "/v1/status").json();
  EXPECT_EQ(status["practitioner"]["nihii"], "10012379004") << status;
  EXPECT_TRUE(warningOf(status["practitioner"]["warnings"], "nihii_check_digits").is_object())
      << status;
  const HttpResult login = agent_.request("POST", "/v1/session");
  ASSERT_EQ(login.status, 200) << login.body;
  const nlohmann::json warning =
      warningOf(login.json()["practitioner"]["warnings"], "nihii_check_digits");
  ASSERT_TRUE(warning.is_object()) << login.body;
  EXPECT_NE(warning["detail"].get<std::string>().find("10012379004"), std::string::npos);
}

// A responder that accepts and never answers: the login waits on it, on the agent's own worker,
// while GET /v1/status answers at once.
TEST_F(SessionCertificatesTest, StatusAnswersWhileTheRevocationCheckWaits) {
  const int listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(listener, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  ASSERT_EQ(::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  ASSERT_EQ(::listen(listener, 4), 0);
  ASSERT_EQ(::getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length), 0);
  const std::string url = "http://127.0.0.1:" + std::to_string(ntohs(address.sin_port)) + "/";

  AgentSettings settings;
  settings.extra_config = revocation("soft-fail", url, "120");
  ASSERT_NO_FATAL_FAILURE(start(settings));
  auto login =
      std::async(std::launch::async, [&] { return agent_.request("POST", "/v1/session"); });
  const int held = acceptOne(listener);  // the check is now waiting for its answer
  ASSERT_GE(held, 0) << agent_.stderrLog();
  const HttpResult status = agent_.request("GET", "/v1/status");
  EXPECT_EQ(status.status, 200);
  EXPECT_TRUE(status.json()["session"].is_null()) << status.body;
  ::close(held);  // no answer: soft-fail goes on
  // The eHealth certificate asks the same responder next; it gets no answer either, this time
  // before its request is even read (the agent must survive the broken pipe).
  const int second = acceptOne(listener);
  EXPECT_GE(second, 0);
  if (second >= 0) ::close(second);
  ::close(listener);
  const HttpResult done = login.get();
  EXPECT_EQ(done.status, 200) << done.body << agent_.stderrLog();
  EXPECT_TRUE(warningOf(done.json()["session"]["warnings"], "revocation_unknown").is_object())
      << done.body;
}

}  // namespace
}  // namespace ehagent::sessiontest
