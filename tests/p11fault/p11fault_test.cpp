// The fault module through the production pkcs11 layer: pulled cards, slot events, the PIN
// counter, a pinpad and a slow card. Signatures are checked with the openssl CLI.
#include <p11-kit/pkcs11.h>

#include <algorithm>
#include <atomic>
#include <future>
#include <thread>

#include "pkcs11/error.hpp"
#include "tests/p11fault/fault_fixture.hpp"

namespace ehagent::p11fault::testing {
namespace {

using pkcs11::ErrorKind;
using pkcs11::Session;
using pkcs11::SignMechanism;

constexpr auto deadline = std::chrono::seconds(60);  // a generous bound for a wait, not a timing check

pkcs11::Bytes signText(Session& session, pkcs11::ObjectHandle key, const std::string& text) {
  return session.sign(key, SignMechanism::Sha256RsaPkcs,
                      std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
}

ErrorKind kindOf(const std::function<void()>& action) {
  try {
    action();
  } catch (const pkcs11::Error& e) {
    return e.kind();
  }
  ADD_FAILURE() << "expected a pkcs11::Error";
  return ErrorKind::Other;
}

bool contains(const std::vector<pkcs11::SlotId>& slots, pkcs11::SlotId slot) {
  return std::find(slots.begin(), slots.end(), slot) != slots.end();
}

using FaultModule = FaultFixture;

TEST_F(FaultModule, ForwardsASignatureThatOpensslVerifies) {
  Session session(module_, slotOf(alice));
  session.login(Secret("1234"));
  const auto signature = signText(session, authenticationKey(session), "consent for 15062034820");
  EXPECT_TRUE(opensslVerifies("alice", "consent for 15062034820", signature));
  EXPECT_FALSE(opensslVerifies("alice", "consent for 78031215280", signature));
}

TEST_F(FaultModule, CardPulledMidSignatureIsTypedAndReinsertedCardSignsAgain) {
  const auto slot = slotOf(alice);
  Session before(module_, slot);
  before.login(Secret("1234"));
  const auto key = authenticationKey(before);
  control_->pullDuringSign(alice);
  EXPECT_EQ(kindOf([&] { (void)signText(before, key, "pulled"); }), ErrorKind::CardRemoved);

  EXPECT_TRUE(control_->isRemoved(alice));
  EXPECT_FALSE(contains(module_->slotIds(true), slot));
  EXPECT_FALSE(module_->slotInfo(slot).tokenPresent);
  EXPECT_EQ(kindOf([&] { (void)module_->tokenInfo(slot); }), ErrorKind::CardRemoved);
  EXPECT_EQ(kindOf([&] { Session refused(module_, slot); }), ErrorKind::CardRemoved);
  EXPECT_EQ(kindOf([&] { (void)authenticationKey(before); }), ErrorKind::CardRemoved);

  control_->insertCard(alice);
  EXPECT_TRUE(contains(module_->slotIds(true), slot));
  // The old session died with the card, as on a real reader.
  EXPECT_EQ(kindOf([&] { (void)signText(before, key, "stale"); }), ErrorKind::CardRemoved);

  Session after(module_, slot);
  EXPECT_FALSE(after.loggedIn()) << "a re-inserted card has forgotten the PIN";
  after.login(Secret("1234"));
  const auto signature = signText(after, authenticationKey(after), "after re-insertion");
  EXPECT_TRUE(opensslVerifies("alice", "after re-insertion", signature));
}

TEST_F(FaultModule, RemovedCardLeavesTheOtherCardAlone) {
  const auto alice_slot = slotOf(alice);
  Session session(module_, slotOf(bob));
  session.login(Secret("1234"));
  control_->removeCard(alice);
  EXPECT_FALSE(contains(module_->slotIds(true), alice_slot));
  EXPECT_TRUE(session.loggedIn());
  EXPECT_NE(authenticationKey(session), 0U);
}

TEST_F(FaultModule, SlotEventsWithoutBlocking) {
  const auto slot = slotOf(alice);
  EXPECT_EQ(module_->waitForSlotEvent(false), std::nullopt);
  control_->removeCard(alice);
  EXPECT_EQ(module_->waitForSlotEvent(false), slot);
  EXPECT_EQ(module_->waitForSlotEvent(false), std::nullopt);
  control_->insertCard(alice);
  EXPECT_EQ(module_->waitForSlotEvent(false), slot);
}

TEST_F(FaultModule, BlockingWaitWakesOnRemovalAndInsertion) {
  const auto slot = slotOf(alice);
  for (const bool remove : {true, false}) {
    auto waiter = std::async(std::launch::async, [&] { return module_->waitForSlotEvent(true); });
    remove ? control_->removeCard(alice) : control_->insertCard(alice);
    ASSERT_EQ(waiter.wait_for(deadline), std::future_status::ready);
    EXPECT_EQ(waiter.get(), slot);
  }
}

TEST_F(FaultModule, PollingFallbackWhenSlotEventsAreUnsupported) {
  control_->setSlotEventsSupported(false);
  const auto slot = slotOf(alice);
  EXPECT_EQ(module_->waitForSlotEvent(false), std::nullopt);
  std::stop_source stop;
  auto waiter = std::async(std::launch::async, [&] {
    return module_->waitForSlotEvent(true, std::chrono::milliseconds(50), stop.get_token());
  });
  control_->removeCard(alice);
  const bool ready = waiter.wait_for(deadline) == std::future_status::ready;
  if (!ready) stop.request_stop();
  ASSERT_TRUE(ready);
  EXPECT_EQ(waiter.get(), slot);
  control_->insertCard(alice);
  EXPECT_EQ(module_->waitForSlotEvent(false), slot);
}

TEST_F(FaultModule, WrongPinCostsExactlyOneTryAndOneLogin) {
  const auto slot = slotOf(alice);
  EXPECT_EQ(module_->tokenInfo(slot).pin.triesLeft, 3);
  Session session(module_, slot);
  EXPECT_EQ(kindOf([&] { session.login(Secret("9999")); }), ErrorKind::PinIncorrect);
  EXPECT_EQ(control_->loginCount(alice), 1U) << "a wrong PIN must never be retried";
  EXPECT_EQ(control_->triesLeft(alice), 2U);
  const auto info = module_->tokenInfo(slot);
  EXPECT_EQ(info.pin.triesLeft, 2);
  EXPECT_TRUE(info.flags & CKF_USER_PIN_COUNT_LOW);
  EXPECT_EQ(control_->loginCount(bob), 0U);
}

TEST_F(FaultModule, RightPinResetsTheCounter) {
  Session session(module_, slotOf(alice));
  EXPECT_EQ(kindOf([&] { session.login(Secret("9999")); }), ErrorKind::PinIncorrect);
  session.login(Secret("1234"));
  EXPECT_EQ(control_->triesLeft(alice), std::nullopt);
  EXPECT_EQ(module_->tokenInfo(slotOf(alice)).pin.triesLeft, 3);
  EXPECT_EQ(control_->loginCount(alice), 2U);
}

TEST_F(FaultModule, PinRunDownToLockedRefusesEvenTheRightPin) {
  const auto slot = slotOf(alice);
  Session session(module_, slot);
  EXPECT_EQ(kindOf([&] { session.login(Secret("9999")); }), ErrorKind::PinIncorrect);
  EXPECT_EQ(kindOf([&] { session.login(Secret("9999")); }), ErrorKind::PinIncorrect);
  EXPECT_TRUE(module_->tokenInfo(slot).pin.finalTry);
  EXPECT_EQ(module_->tokenInfo(slot).pin.triesLeft, 1);
  EXPECT_EQ(kindOf([&] { session.login(Secret("9999")); }), ErrorKind::PinIncorrect);
  EXPECT_TRUE(module_->tokenInfo(slot).pin.locked);
  EXPECT_EQ(module_->tokenInfo(slot).pin.triesLeft, 0);
  EXPECT_EQ(kindOf([&] { session.login(Secret("1234")); }), ErrorKind::PinLocked);
  EXPECT_EQ(control_->loginCount(alice), 4U);
}

TEST_F(FaultModule, CounterOutlivesTheModule) {
  {
    Session session(module_, slotOf(alice));
    EXPECT_EQ(kindOf([&] { session.login(Secret("9999")); }), ErrorKind::PinIncorrect);
  }
  module_.reset();
  module_ = pkcs11::Module::load(FaultControl::modulePath().string());
  EXPECT_EQ(module_->tokenInfo(slotOf(alice)).pin.triesLeft, 2);
}

TEST_F(FaultModule, PinpadLoginWithNullPin) {
  control_->setPinpad("1234");
  const auto slot = slotOf(alice);
  EXPECT_TRUE(module_->tokenInfo(slot).protectedAuthenticationPath);
  Session session(module_, slot);
  session.loginProtected();
  EXPECT_TRUE(session.loggedIn());
  const auto signature = signText(session, authenticationKey(session), "typed on the reader");
  EXPECT_TRUE(opensslVerifies("alice", "typed on the reader", signature));
}

TEST_F(FaultModule, PinpadCancelAndWrongPin) {
  control_->setPinpad(std::nullopt);
  Session session(module_, slotOf(alice));
  EXPECT_EQ(kindOf([&] { session.loginProtected(); }), ErrorKind::Cancelled);
  control_->setPinpad("0000");
  EXPECT_EQ(kindOf([&] { session.loginProtected(); }), ErrorKind::PinIncorrect);
  EXPECT_EQ(control_->triesLeft(alice), 2U);
}

TEST_F(FaultModule, SlowCardStillSigns) {
  control_->setSignLatency(300);
  Session session(module_, slotOf(alice));
  session.login(Secret("1234"));
  const auto signature = signText(session, authenticationKey(session), "slowly");
  EXPECT_TRUE(opensslVerifies("alice", "slowly", signature));
}

// Pulls while other threads sign: a call already running when the card goes finishes, the next
// ones get the pulled card's errors, and the card's real sessions are closed only after the
// running calls return (SoftHSM crashed in C_Sign when a pull closed them mid-call; the agent's
// soak found it). Many pulls against two busy signers make that race likely.
TEST_F(FaultModule, PullsWhileOtherThreadsSignBreakNoCall) {
  const auto slot = slotOf(alice);
  std::atomic<bool> stop{false};
  std::atomic<int> signatures{0}, unexpected{0};
  const auto signer = [&] {
    while (!stop) {
      try {
        Session session(module_, slot);
        if (!session.loggedIn()) session.login(Secret("1234"));
        const auto key = authenticationKey(session);
        while (!stop) {
          (void)signText(session, key, "busy");
          ++signatures;
        }
      } catch (const pkcs11::Error& e) {
        if (e.kind() != ErrorKind::CardRemoved && e.kind() != ErrorKind::NotLoggedIn) {
          ++unexpected;
          ADD_FAILURE() << e.what();
        }
      }
    }
  };
  std::thread first(signer), second(signer);
  for (int pull = 0; pull < 100; ++pull) {
    control_->removeCard(alice);
    EXPECT_FALSE(contains(module_->slotIds(true), slot));
    control_->insertCard(alice);
    EXPECT_TRUE(contains(module_->slotIds(true), slot));
  }
  stop = true;
  first.join();
  second.join();
  EXPECT_EQ(unexpected, 0);
  EXPECT_GT(signatures, 0);

  Session after(module_, slot);
  if (!after.loggedIn()) after.login(Secret("1234"));
  EXPECT_TRUE(opensslVerifies("alice", "after the pulls", signText(after, authenticationKey(after), "after the pulls")));
}

}  // namespace
}  // namespace ehagent::p11fault::testing
