// `ehagent-sandbox serve` as a real process over the specimen: the STS login in fallback mode
// with the specimen eHealth key, and misbehaviour through the admin endpoint.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>

#include "sandbox/sts_service.hpp"
#include "tests/support/support.hpp"
#include "tokens/error.hpp"
#include "tokens/sign/openssl_signer.hpp"
#include "tokens/sts/client.hpp"

namespace ehagent {
namespace {

using testsupport::SpecimenCopy;

class SandboxServeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    int out[2];
    ASSERT_EQ(::pipe(out), 0);
    const std::string specimen = SpecimenCopy::specimenDir().string();
    const std::string exe = testsupport::sandboxExe();
    pid_ = ::fork();
    ASSERT_GE(pid_, 0);
    if (pid_ == 0) {
      ::dup2(out[1], STDOUT_FILENO);
      ::close(out[0]);
      ::close(out[1]);
      ::execl(exe.c_str(), exe.c_str(), "serve", "--specimen", specimen.c_str(), "--listen", "127.0.0.1:0",
              static_cast<char*>(nullptr));
      ::_exit(127);
    }
    ::close(out[1]);
    // The first line names the port; it comes once the server listens.
    FILE* stream = ::fdopen(out[0], "r");
    ASSERT_NE(stream, nullptr);
    char line[256] = {};
    ASSERT_NE(std::fgets(line, sizeof line, stream), nullptr) << "the sandbox printed nothing";
    std::fclose(stream);
    const std::string text(line);
    const auto prefix = text.find("https://");
    ASSERT_NE(prefix, std::string::npos) << text;
    base_ = text.substr(prefix, text.find_last_not_of("\r\n") + 1 - prefix);
  }

  void TearDown() override {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      int status = 0;
      ::waitpid(pid_, &status, 0);
      EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "the sandbox did not stop cleanly";
    }
  }

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

  pid_t pid_ = -1;
  std::string base_;
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
