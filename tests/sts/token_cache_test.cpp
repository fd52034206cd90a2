// The token cache: lookups and expiry on an injected clock, renewal (Renew, then Issue as the
// fallback) driven by the real sandbox STS, encrypted persistence, and nothing kept on failure.
#include <sys/stat.h>

#include <atomic>
#include <thread>

#include "tests/sts/sts_fixture.hpp"
#include "tokens/sts/token_cache.hpp"

namespace ehagent::sts_testing {
namespace {

using namespace std::chrono_literals;
using SysClock = std::chrono::system_clock;

class TokenCacheTest : public StsFixture {
 protected:
  void SetUp() override {
    StsFixture::SetUp();
    client_ = std::make_unique<tokens::StsClient>(config());
    ehealth_.emplace(signer("alice_ehealth"));
  }

  tokens::TokenSource source(std::atomic<int>* issues = nullptr, std::atomic<int>* renews = nullptr) {
    return {[this, issues] {
              if (issues) ++*issues;
              return client_->issue(kAlice, nullptr, *ehealth_);
            },
            [this, renews](const tokens::SamlToken& old) {
              if (renews) ++*renews;
              return client_->renew(kAlice, old, *ehealth_);
            }};
  }

  tokens::TokenCacheOptions manual(SysClock::time_point* now) const {
    tokens::TokenCacheOptions options;
    options.background = false;
    options.clock = [now] { return *now; };
    return options;
  }

  std::unique_ptr<tokens::StsClient> client_;
  std::optional<tokens::OpenSslSigner> ehealth_;  // made in SetUp, after the PKI
};

TEST_F(TokenCacheTest, OneTokenPerPractitionerAndProfessionUntilItExpires) {
  auto now = SysClock::now();
  tokens::TokenCache cache(manual(&now));
  std::atomic<int> issues{0};
  const auto first = cache.obtain(kAlice.ssin, "doctor", source(&issues));
  const auto again = cache.obtain(kAlice.ssin, "doctor", source(&issues));
  EXPECT_EQ(first.assertion_id, again.assertion_id);
  EXPECT_EQ(issues.load(), 1);
  EXPECT_FALSE(cache.get(kAlice.ssin, "nurse"));
  now = first.not_on_or_after;
  EXPECT_FALSE(cache.get(kAlice.ssin, "doctor"));
}

TEST_F(TokenCacheTest, DropRemovesEveryTokenOfThePractitioner) {
  auto now = SysClock::now();
  tokens::TokenCache cache(manual(&now));
  const auto token = cache.obtain(kAlice.ssin, "doctor", source());
  cache.put(kAlice.ssin, "nurse", token);
  cache.put(kBob.ssin, "doctor", token);
  cache.drop(kAlice.ssin);
  EXPECT_FALSE(cache.get(kAlice.ssin, "doctor"));
  EXPECT_FALSE(cache.get(kAlice.ssin, "nurse"));
  EXPECT_TRUE(cache.get(kBob.ssin, "doctor"));
}

TEST_F(TokenCacheTest, RenewsOnlyPastHalfItsLife) {
  control(R"({"lifetime_seconds": 600})");
  auto now = SysClock::now();
  tokens::TokenCache cache(manual(&now));
  std::atomic<int> issues{0}, renews{0};
  const auto first = cache.obtain(kAlice.ssin, "doctor", source(&issues, &renews));
  now = first.not_before + 200s;
  cache.renewDue();
  EXPECT_EQ(renews.load(), 0);
  now = first.not_before + 301s;
  cache.renewDue();
  EXPECT_EQ(renews.load(), 1);
  EXPECT_EQ(issues.load(), 1);
  EXPECT_NE(cache.get(kAlice.ssin, "doctor")->assertion_id, first.assertion_id);
}

TEST_F(TokenCacheTest, FallsBackToAFreshIssueWhenRenewalFails) {
  control(R"({"lifetime_seconds": 600})");
  auto now = SysClock::now();
  tokens::TokenCache cache(manual(&now));
  std::atomic<int> issues{0};
  auto src = source(&issues);
  src.renew = [](const tokens::SamlToken&) -> tokens::SamlToken { throw tokens::Error("sts_fault", "renewal refused"); };
  const auto first = cache.obtain(kAlice.ssin, "doctor", src);
  now = first.not_before + 301s;
  cache.renewDue();
  EXPECT_EQ(issues.load(), 2);
  EXPECT_NE(cache.get(kAlice.ssin, "doctor")->assertion_id, first.assertion_id);
}

TEST_F(TokenCacheTest, KeepsTheOldTokenWhenBothFailAndSaysWhy) {
  control(R"({"lifetime_seconds": 600})");
  auto now = SysClock::now();
  tokens::TokenCache cache(manual(&now));
  const auto first = cache.obtain(kAlice.ssin, "doctor", source());
  control(R"({"mode": "fault"})");
  now = first.not_before + 301s;
  cache.renewDue();
  EXPECT_EQ(cache.get(kAlice.ssin, "doctor")->assertion_id, first.assertion_id);
  EXPECT_NE(cache.lastRenewalError(kAlice.ssin, "doctor").find("told to fault"), std::string::npos);
}

TEST_F(TokenCacheTest, NothingIsCachedWhenTheStsFails) {
  auto now = SysClock::now();
  tokens::TokenCache cache(manual(&now));
  for (const char* mode : {R"({"mode": "fault"})", R"({"mode": "bad_signature"})", R"({"mode": "wrong_ssin"})",
                           R"({"mode": "drop"})"}) {
    control(mode);
    EXPECT_THROW(cache.obtain(kAlice.ssin, "doctor", source()), tokens::Error) << mode;
    EXPECT_FALSE(cache.get(kAlice.ssin, "doctor")) << mode;
  }
}

TEST_F(TokenCacheTest, BackgroundRenewalOnceHalfTheLifeHasPassed) {
  // The cache's clock is moved three quarters into the token's life; the background thread (which
  // wakes every check_period) must then renew it at the sandbox STS.
  std::atomic<SysClock::rep> ahead{0};
  tokens::TokenCacheOptions options;
  options.check_period = 50ms;
  options.clock = [&ahead] { return SysClock::now() + SysClock::duration(ahead.load()); };
  tokens::TokenCache cache(options);
  const auto first = cache.obtain(kAlice.ssin, "doctor", source());
  ahead = ((first.not_on_or_after - SysClock::now()) * 3 / 4).count();
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  std::string current = first.assertion_id;
  while (current == first.assertion_id && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(20ms);  // polls for the thread's result; no timing is asserted
    if (const auto token = cache.get(kAlice.ssin, "doctor")) current = token->assertion_id;
  }
  EXPECT_NE(current, first.assertion_id) << "no renewal within the deadline";
}

TEST_F(TokenCacheTest, PersistsEncryptedOnlyWhenConfigured) {
  auto now = SysClock::now();
  const auto file = dir_.path() / "state" / "tokens.bin";
  std::filesystem::create_directories(file.parent_path());
  auto options = manual(&now);
  options.persist_file = file;
  options.sts_trust = config().sts_trust;
  std::string id;
  {
    tokens::TokenCache cache(options);
    id = cache.obtain(kAlice.ssin, "doctor", source()).assertion_id;
  }
  const std::string stored = readFile(file);
  EXPECT_EQ(stored.find("10012378004"), std::string::npos) << "the token is stored in the clear";
  EXPECT_EQ(stored.find(id), std::string::npos);
  struct stat st {};
  ASSERT_EQ(::stat((file.string() + ".key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  {
    tokens::TokenCache restarted(options);
    const auto token = restarted.get(kAlice.ssin, "doctor");
    ASSERT_TRUE(token);
    EXPECT_EQ(token->assertion_id, id);
    EXPECT_EQ(token->first(kNihii), "10012378004");
  }
  // A changed byte is refused, not half read.
  std::string damaged = stored;
  damaged[damaged.size() / 2] ^= 0x01;
  writeFile(file, damaged);
  EXPECT_THROW(tokens::TokenCache broken(options), tokens::Error);
  // Off by default: a cache without a file writes nothing.
  const auto before = std::distance(std::filesystem::directory_iterator(file.parent_path()), {});
  tokens::TokenCache memory_only(manual(&now));
  memory_only.obtain(kAlice.ssin, "doctor", source());
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(file.parent_path()), {}), before);
}

}  // namespace
}  // namespace ehagent::sts_testing
