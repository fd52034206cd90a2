#include "certs/revocation.hpp"

#include <gtest/gtest.h>

#include "certs/error.hpp"
#include "tests/certs/ocsp_responder.hpp"

namespace ehagent::certs {
namespace {

namespace fs = std::filesystem;

class RevocationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    try {
      pki_ = testing::makeTestPki(dir_.path());
      trust_.add(Certificate::loadFile(pki_.ehealthCa));
      alice_ = Certificate::loadFile(pki_.aliceEhealth);
      bob_ = Certificate::loadFile(pki_.bobEhealth);
      ca_ = Certificate::loadFile(pki_.ehealthCa);
    } catch (const std::exception& e) {
      FAIL() << e.what();
    }
  }
  RevocationOptions ocspOnly(const std::string& url, RevocationPolicy policy) {
    RevocationOptions o;
    o.policy = policy;
    o.ocspResponder = url;
    o.fetchCrlUrls = false;  // the test certificates name a CRL URL nobody serves
    return o;
  }

  testing::TempDir dir_;
  testing::TestPki pki_;
  TrustStore trust_;
  std::optional<Certificate> alice_, bob_, ca_;
};

TEST_F(RevocationTest, OcspAnswersGoodAndRevokedFromARealResponder) {
  testing::OcspResponder responder(pki_);
  RevocationChecker checker(ocspOnly(responder.url(), RevocationPolicy::Strict), trust_);

  const auto good = checker.require(*alice_, *ca_);
  EXPECT_EQ(good.status, RevocationStatus::Good) << good.reason;
  EXPECT_EQ(good.source, "ocsp " + responder.url());
  ASSERT_TRUE(good.nextUpdate);
  EXPECT_GT(*good.nextUpdate, std::chrono::system_clock::now());

  const auto revoked = checker.check(*bob_, *ca_);
  EXPECT_EQ(revoked.status, RevocationStatus::Revoked) << revoked.reason;
  EXPECT_EQ(revoked.reason, "keyCompromise");
  ASSERT_TRUE(revoked.revokedAt);
  EXPECT_EQ(std::chrono::system_clock::to_time_t(*revoked.revokedAt), 1704067200);  // 2024-01-01
  try {
    checker.require(*bob_, *ca_);
    FAIL() << "a revoked certificate passed";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), "certificate_revoked");
  }
}

TEST_F(RevocationTest, AnswersAreCachedUntilNextUpdate) {
  std::string url;
  RevocationOptions options;
  {
    testing::OcspResponder responder(pki_);
    url = responder.url();
    options = ocspOnly(url, RevocationPolicy::Strict);
    RevocationChecker checker(options, trust_);
    EXPECT_EQ(checker.check(*alice_, *ca_).status, RevocationStatus::Good);
    responder.stop();
    const auto cached = checker.check(*alice_, *ca_);
    EXPECT_EQ(cached.status, RevocationStatus::Good);
    EXPECT_EQ(cached.source.rfind("cache", 0), 0u) << cached.source;
  }
  // A fresh checker has no cache, and the responder is gone.
  RevocationChecker fresh(options, trust_);
  EXPECT_EQ(fresh.check(*alice_, *ca_).status, RevocationStatus::Unknown);
}

TEST_F(RevocationTest, WithTheResponderStoppedStrictRefusesAndSoftFailWarns) {
  std::string url;
  {
    testing::OcspResponder responder(pki_);
    url = responder.url();
  }
  RevocationChecker strict(ocspOnly(url, RevocationPolicy::Strict), trust_);
  try {
    strict.require(*alice_, *ca_);
    FAIL() << "strict accepted an unanswered check";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), "revocation_unknown");
  }
  RevocationChecker soft(ocspOnly(url, RevocationPolicy::SoftFail), trust_);
  const auto r = soft.require(*alice_, *ca_);
  EXPECT_EQ(r.status, RevocationStatus::Unknown);
  EXPECT_FALSE(r.reason.empty());

  RevocationChecker off(ocspOnly(url, RevocationPolicy::Off), trust_);
  EXPECT_EQ(off.require(*bob_, *ca_).status, RevocationStatus::NotChecked);
}

TEST_F(RevocationTest, AResponseSignedByAnUntrustedResponderIsNotBelieved) {
  testing::OcspResponder responder(pki_);
  TrustStore other;
  other.add(Certificate::loadFile(pki_.rogueCa));
  RevocationChecker checker(ocspOnly(responder.url(), RevocationPolicy::SoftFail), other);
  const auto r = checker.check(*bob_, *ca_);
  EXPECT_EQ(r.status, RevocationStatus::Unknown);
  EXPECT_NE(r.reason.find("signature"), std::string::npos) << r.reason;
}

TEST_F(RevocationTest, CrlFileGoodAndRevoked) {
  RevocationOptions o;
  o.policy = RevocationPolicy::Strict;
  o.crlFiles = {testing::makeCrl(pki_)};
  o.ocspResponder = "http://127.0.0.1:1/";  // refused at once: the CRL must carry the answer
  o.fetchCrlUrls = false;
  RevocationChecker checker(o, trust_);
  const auto good = checker.check(*alice_, *ca_);
  EXPECT_EQ(good.status, RevocationStatus::Good) << good.reason;
  EXPECT_EQ(good.source.rfind("crl ", 0), 0u);
  EXPECT_EQ(checker.check(*bob_, *ca_).status, RevocationStatus::Revoked);
}

TEST_F(RevocationTest, ACrlFromAnotherIssuerIsNotUsed) {
  RevocationOptions o;
  o.crlFiles = {testing::makeCrl(pki_)};
  o.fetchCrlUrls = false;
  RevocationChecker checker(o, trust_);
  const auto r = checker.check(Certificate::loadFile(pki_.rogueEhealth),
                               Certificate::loadFile(pki_.rogueCa));
  EXPECT_EQ(r.status, RevocationStatus::Unknown);
  EXPECT_NE(r.reason.find("another issuer"), std::string::npos) << r.reason;
}

TEST(RevocationPolicyTest, ParsesPolicies) {
  EXPECT_EQ(parseRevocationPolicy("strict"), RevocationPolicy::Strict);
  EXPECT_EQ(parseRevocationPolicy("soft-fail"), RevocationPolicy::SoftFail);
  EXPECT_EQ(parseRevocationPolicy("off"), RevocationPolicy::Off);
  EXPECT_THROW((void)parseRevocationPolicy("sometimes"), Error);
}

}  // namespace
}  // namespace ehagent::certs
