#include "certs/expiry.hpp"

#include <gtest/gtest.h>

#include "tests/certs/test_pki.hpp"

namespace ehagent::certs {
namespace {

using namespace std::chrono_literals;
using std::chrono::days;

class ExpiryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    try {
      pki_ = testing::makeTestPki(dir_.path());
      cert_ = Certificate::loadFile(pki_.aliceEhealth);
    } catch (const std::exception& e) {
      FAIL() << e.what();
    }
  }
  testing::TempDir dir_;
  testing::TestPki pki_;
  std::optional<Certificate> cert_;
};

TEST_F(ExpiryTest, ExpiredYesterday) {
  const auto e = expiryAt(*cert_, cert_->notAfter() + days(1));
  EXPECT_EQ(e.state, ExpiryState::Expired);
  EXPECT_EQ(e.daysLeft, days(-1));
  EXPECT_STREQ(toString(e.state), "expired");
}

TEST_F(ExpiryTest, ExpiresTodayIsExpiringNotExpired) {
  EXPECT_EQ(expiryAt(*cert_, cert_->notAfter() - 3h).state, ExpiryState::Expiring);
  EXPECT_EQ(expiryAt(*cert_, cert_->notAfter()).state, ExpiryState::Expiring);
  EXPECT_EQ(expiryAt(*cert_, cert_->notAfter() + 1s).state, ExpiryState::Expired);
}

TEST_F(ExpiryTest, In29DaysIsExpiringAndIn31IsValid) {
  const auto in29 = expiryAt(*cert_, cert_->notAfter() - days(29));
  EXPECT_EQ(in29.state, ExpiryState::Expiring);
  EXPECT_EQ(in29.daysLeft, days(29));
  const auto in31 = expiryAt(*cert_, cert_->notAfter() - days(31));
  EXPECT_EQ(in31.state, ExpiryState::Valid);
  EXPECT_EQ(in31.daysLeft, days(31));
}

TEST_F(ExpiryTest, TheWarningWindowIsConfigurable) {
  EXPECT_EQ(expiryAt(*cert_, cert_->notAfter() - days(31), days(60)).state, ExpiryState::Expiring);
  EXPECT_EQ(expiryAt(*cert_, cert_->notAfter() - days(29), days(7)).state, ExpiryState::Valid);
}

TEST_F(ExpiryTest, BeforeNotBeforeIsNotYetValid) {
  EXPECT_EQ(expiryAt(*cert_, cert_->notBefore() - 1h).state, ExpiryState::NotYetValid);
  EXPECT_EQ(expiryAt(*cert_, std::chrono::system_clock::now()).state, ExpiryState::Valid);
}

}  // namespace
}  // namespace ehagent::certs
