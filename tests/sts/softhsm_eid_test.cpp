// The STS login with the specimen cards in SoftHSM: the eID Authentication key (RSA-2048 for
// Alice, EC P-384 for Bob) signs the request through Cryptoki, the eHealth token's key answers
// the challenge, and xmlsec1 checks the request against the card's certificate.
#include <gtest/gtest.h>

#include <mutex>

#include "pkcs11/eid.hpp"
#include "pkcs11/module.hpp"
#include "core/secret.hpp"
#include "sandbox/server.hpp"
#include "sandbox/sts_service.hpp"
#include "tests/support/support.hpp"
#include "tokens/error.hpp"
#include "tokens/sign/openssl_signer.hpp"
#include "tokens/sign/pkcs11_signer.hpp"
#include "tokens/sts/client.hpp"

namespace ehagent {
namespace {

using testsupport::SpecimenCopy;

struct Card {
  const char* handle;
  const char* label;
  const char* ssin;
  const char* nihii;
  const char* algorithm;  // in the request's SignatureMethod
};

class SoftHsmEidTest : public ::testing::TestWithParam<Card> {
 protected:
  void SetUp() override {
    specimen_ = std::make_unique<SpecimenCopy>();
    module_ = pkcs11::Module::load(testsupport::softhsmModule());
    sandbox::StsServiceOptions sts;
    for (const char* name : {"belgium-root-ca", "citizen-ca", "ehealth-ca"}) {
      sts.client_trust.push_back(certs::Certificate::loadFile(SpecimenCopy::pki(std::string(name) + ".pem")));
    }
    sts.sts_signer = std::make_shared<tokens::OpenSslSigner>(
        tokens::OpenSslSigner::fromPemFile(SpecimenCopy::pki("sandbox-sts.key"), stsCert()));
    service_ = std::make_unique<sandbox::StsService>(std::move(sts));
    server_ = std::make_unique<sandbox::Server>(sandbox::ServerOptions{
        "127.0.0.1", 0, SpecimenCopy::pki("sandbox-tls.pem").string(), SpecimenCopy::pki("sandbox-tls.key").string()});
    server_->route("POST", sandbox::kStsPath, [this](const sandbox::Request& r) {
      {
        std::lock_guard lock(mutex_);
        requests_.push_back(r.body);
      }
      return service_->handle(r);
    });
    server_->start();
  }
  void TearDown() override {
    server_.reset();
    module_.reset();
    specimen_.reset();
  }

  static certs::Certificate stsCert() { return certs::Certificate::loadFile(SpecimenCopy::pki("sandbox-sts.pem")); }

  pkcs11::Session loggedIn(const std::string& label) {
    for (const auto slot : module_->slotIds(true)) {
      if (module_->tokenInfo(slot).label == label) {
        pkcs11::Session session(module_, slot);
        session.login(Secret("1234"));
        return session;
      }
    }
    throw std::runtime_error("no token " + label);
  }

  tokens::StsConfig config() const {
    tokens::StsConfig c;
    c.endpoint = "https://127.0.0.1:" + std::to_string(server_->port()) + sandbox::kStsPath;
    c.sts_trust = {stsCert()};
    c.http.ca_file = SpecimenCopy::pki("sandbox-ca.pem").string();
    return c;
  }

  std::unique_ptr<SpecimenCopy> specimen_;
  std::shared_ptr<pkcs11::Module> module_;
  std::unique_ptr<sandbox::StsService> service_;
  std::unique_ptr<sandbox::Server> server_;
  std::mutex mutex_;
  std::vector<std::string> requests_;
};

TEST_P(SoftHsmEidTest, LogsInWithTheCardAndTheEhealthToken) {
  const Card card = GetParam();
  auto eid_session = loggedIn(card.label);
  auto ehealth_session = loggedIn(std::string("eHealth ") + card.label);
  const auto eid_cert = SpecimenCopy::pki(std::string(card.handle) + "-authentication.pem");
  tokens::Pkcs11Signer eid(eid_session, pkcs11::findPrivateKey(eid_session, "Authentication"),
                              certs::Certificate::loadFile(eid_cert));
  tokens::Pkcs11Signer ehealth(ehealth_session, pkcs11::findPrivateKey(ehealth_session, "authentication"),
                                  certs::Certificate::loadFile(SpecimenCopy::ehealth(std::string(card.handle) + ".pem")));

  tokens::StsClient client(config());
  const auto token = client.issue({card.ssin, "doctor"}, &eid, ehealth);
  EXPECT_EQ(token.first("urn:be:fgov:person:ssin:ehealth:1.0:doctor:nihii11"), card.nihii);

  std::string request;
  {
    std::lock_guard lock(mutex_);
    ASSERT_EQ(requests_.size(), 2u);
    request = requests_.front();
  }
  EXPECT_NE(request.find(card.algorithm), std::string::npos);
  testsupport::TempDir dir;
  testsupport::writeFile(dir / "request.xml", request);
  const auto verdict = testsupport::runCommand(
      {"xmlsec1", "--verify", "--pubkey-cert-pem", eid_cert.string(), "--id-attr:Id",
       "http://schemas.xmlsoap.org/soap/envelope/:Body", "--id-attr:Id",
       "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd:Timestamp", "--id-attr:Id",
       "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd:BinarySecurityToken",
       "--node-xpath", "//*[local-name()='Security']/*[local-name()='Signature']", (dir / "request.xml").string()});
  EXPECT_EQ(verdict.exitCode, 0) << verdict.out << verdict.err;
}

INSTANTIATE_TEST_SUITE_P(Cards, SoftHsmEidTest,
                         ::testing::Values(Card{"alice", "Alice SPECIMEN", "78031215280", "10012378004", "rsa-sha256"},
                                           Card{"bob", "Bob SPECIMEN", "82110523358", "10045636003", "ecdsa-sha384"}),
                         [](const auto& info) { return std::string(info.param.handle); });

}  // namespace
}  // namespace ehagent
