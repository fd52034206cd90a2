#include "certs/trust_store.hpp"

#include <gtest/gtest.h>

#include "certs/error.hpp"
#include "tests/certs/test_pki.hpp"

namespace ehagent::certs {
namespace {

using std::chrono::days;
namespace fs = std::filesystem;

class TrustStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    try {
      pki_ = testing::makeTestPki(dir_.path());
      store_.add(Certificate::loadFile(pki_.root));
      store_.add(Certificate::loadFile(pki_.ehealthCa));
    } catch (const std::exception& e) {
      FAIL() << e.what();
    }
  }
  Certificate load(const fs::path& p) { return Certificate::loadFile(p); }
  std::string codeOf(const Certificate& leaf, const std::vector<Certificate>& untrusted,
                     TimePoint at, Purpose purpose = Purpose::Any) {
    try {
      store_.verify(leaf, untrusted, at, purpose);
      return "ok";
    } catch (const Error& e) {
      return e.code();
    }
  }
  TimePoint now() const { return std::chrono::system_clock::now(); }

  testing::TempDir dir_;
  testing::TestPki pki_;
  TrustStore store_;
};

TEST_F(TrustStoreTest, BuildsTheChainThroughAGivenIntermediate) {
  const auto chain = store_.verify(load(pki_.aliceAuth), {load(pki_.citizenCa)}, now(),
                                   Purpose::Authentication);
  ASSERT_EQ(chain.size(), 3u);
  EXPECT_EQ(chain[0], load(pki_.aliceAuth));
  EXPECT_EQ(chain[1], load(pki_.citizenCa));
  EXPECT_EQ(chain[2], load(pki_.root));
}

TEST_F(TrustStoreTest, AnIntermediateInTheStoreIsFoundThere) {
  store_.add(load(pki_.citizenCa));
  EXPECT_EQ(codeOf(load(pki_.bobAuth), {}, now(), Purpose::Authentication), "ok");
}

TEST_F(TrustStoreTest, MissingIntermediate) {
  EXPECT_EQ(codeOf(load(pki_.aliceAuth), {}, now()), "chain_incomplete");
}

TEST_F(TrustStoreTest, UntrustedRoot) {
  EXPECT_EQ(codeOf(load(pki_.rogueEhealth), {load(pki_.rogueCa)}, now()), "certificate_untrusted");
  EXPECT_EQ(codeOf(load(pki_.rogueCa), {}, now()), "certificate_untrusted");
}

TEST_F(TrustStoreTest, ExpiredAndNotYetValid) {
  const auto leaf = load(pki_.aliceEhealth);
  EXPECT_EQ(codeOf(leaf, {}, leaf.notAfter() - days(1)), "ok");
  EXPECT_EQ(codeOf(leaf, {}, leaf.notAfter() + days(1)), "certificate_expired");
  EXPECT_EQ(codeOf(leaf, {}, leaf.notBefore() - days(1)), "certificate_not_yet_valid");
}

TEST_F(TrustStoreTest, WrongKeyUsageForThePurpose) {
  EXPECT_EQ(codeOf(load(pki_.encryptionOnly), {}, now(), Purpose::Authentication), "key_usage");
  EXPECT_EQ(codeOf(load(pki_.encryptionOnly), {}, now(), Purpose::Any), "ok");
  const std::vector<Certificate> citizen{load(pki_.citizenCa)};
  EXPECT_EQ(codeOf(load(pki_.aliceSign), citizen, now(), Purpose::Authentication), "key_usage");
  EXPECT_EQ(codeOf(load(pki_.aliceSign), citizen, now(), Purpose::Signature), "ok");
  EXPECT_EQ(codeOf(load(pki_.aliceAuth), citizen, now(), Purpose::Signature), "key_usage");
}

TEST_F(TrustStoreTest, AnIssuerThatIsNotACaIsRefused) {
  const auto fake = testing::issueExtra(pki_, "fakeca", "/C=BE/CN=Not A CA",
                                        "basicConstraints = CA:FALSE\nkeyUsage = digitalSignature");
  const auto leaf = testing::issueExtra(pki_, "underfake", "/C=BE/CN=Leaf",
                                        "keyUsage = digitalSignature", "fakeca");
  const auto code = codeOf(load(leaf), {load(fake)}, now());
  EXPECT_NE(code, "ok");
  EXPECT_TRUE(code == "certificate_invalid" || code == "key_usage") << code;
}

TEST_F(TrustStoreTest, LoadsDirectoriesAndNamesBadFiles) {
  const fs::path trust = dir_.path() / "trust";
  fs::create_directories(trust);
  testing::writeFile(trust / "bundle.pem",
                     testing::readFile(pki_.root) + testing::readFile(pki_.citizenCa));
  testing::writeFile(trust / "broken.pem", "-----BEGIN CERTIFICATE-----\nAAAA\n");
  testing::writeFile(trust / "notes.txt", "ignored");
  const auto store = TrustStore::fromDirectories({trust, dir_.path() / "absent"});
  EXPECT_EQ(store.certificates().size(), 2u);
  ASSERT_EQ(store.problems().size(), 1u);
  EXPECT_NE(store.problems()[0].find("broken.pem"), std::string::npos);
  EXPECT_EQ(codeOf(load(pki_.aliceAuth), {}, now()), "chain_incomplete");
  store.verify(load(pki_.aliceAuth), {}, now(), Purpose::Authentication);
}

TEST_F(TrustStoreTest, InstallsOnlyCaCertificatesOnce) {
  const fs::path trust = dir_.path() / "state" / "trust";
  const auto first = TrustStore::installInto(trust, load(pki_.citizenCa));
  EXPECT_TRUE(first.added);
  EXPECT_EQ(load(first.path), load(pki_.citizenCa));
  EXPECT_FALSE(TrustStore::installInto(trust, load(pki_.citizenCa)).added);
  try {
    TrustStore::installInto(trust, load(pki_.aliceAuth));
    FAIL() << "a leaf was installed";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), "trust_store");
  }
  EXPECT_EQ(TrustStore::fromDirectories({trust}).certificates().size(), 1u);
}

TEST_F(TrustStoreTest, TheBundledBelgianRootsLoad) {
  const auto store = TrustStore::fromDirectories({fs::path(EHAGENT_SOURCE_DIR) / "data" / "trust"});
  EXPECT_GE(store.certificates().size(), 3u);
  EXPECT_TRUE(store.problems().empty());
  for (const auto& c : store.certificates()) EXPECT_TRUE(c.isCa()) << c.subject();
}

}  // namespace
}  // namespace ehagent::certs
