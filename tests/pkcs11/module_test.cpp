#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "pkcs11/error.hpp"
#include "core/secret.hpp"
#include "tests/pkcs11/fixture.hpp"

namespace ehagent::pkcs11::test {
namespace {

// The C library this test runs with: a real shared object that is no PKCS#11 module.
std::string loadedLibcPath() {
  std::ifstream maps("/proc/self/maps");
  std::string line;
  while (std::getline(maps, line)) {
    const auto slash = line.find('/');
    if (slash != std::string::npos && line.find("/libc.so") != std::string::npos) return line.substr(slash);
  }
  return {};
}

Error loadError(const std::string& path) {
  try {
    (void)Module::load(path);
  } catch (const Error& e) {
    return e;
  }
  return Error(ErrorKind::Other, "none", 0, "no error");
}

TEST(ModuleLoad, MissingFileNamesThePath) {
  const std::string path = "/nonexistent/libnothing-pkcs11.so";
  const auto e = loadError(path);
  EXPECT_EQ(e.kind(), ErrorKind::ModuleLoad);
  EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
  EXPECT_NE(std::string(e.what()).find("no such file"), std::string::npos) << e.what();
  EXPECT_FALSE(e.retriable());
}

TEST(ModuleLoad, SharedLibraryWithoutGetFunctionListIsRefused) {
  const auto libc = loadedLibcPath();
  ASSERT_FALSE(libc.empty());
  const auto e = loadError(libc);
  EXPECT_EQ(e.kind(), ErrorKind::ModuleLoad);
  EXPECT_NE(std::string(e.what()).find("not a PKCS#11 module"), std::string::npos) << e.what();
  EXPECT_NE(std::string(e.what()).find(libc), std::string::npos) << e.what();
}

TEST(ModuleLoad, TextFileIsRefused) {
  testsupport::TempDir dir;
  const auto path = dir / "module.so";
  testsupport::writeFile(path, "this is not a shared object\n");
  const auto e = loadError(path.string());
  EXPECT_EQ(e.kind(), ErrorKind::ModuleLoad);
  EXPECT_NE(std::string(e.what()).find(path.string()), std::string::npos) << e.what();
}

TEST(Errors, KindsAndNames) {
  EXPECT_EQ(kindOf(0xA0UL), ErrorKind::PinIncorrect);  // CKR_PIN_INCORRECT
  EXPECT_EQ(kindOf(0xA4UL), ErrorKind::PinLocked);
  EXPECT_EQ(kindOf(0x32UL), ErrorKind::CardRemoved);   // CKR_DEVICE_REMOVED
  EXPECT_EQ(kindOf(0xE0UL), ErrorKind::CardRemoved);   // CKR_TOKEN_NOT_PRESENT
  EXPECT_EQ(kindOf(0x50UL), ErrorKind::Cancelled);     // CKR_FUNCTION_CANCELED
  EXPECT_EQ(kindOf(0x54UL), ErrorKind::NotSupported);  // CKR_FUNCTION_NOT_SUPPORTED
  EXPECT_EQ(ckrName(0xA0UL), "CKR_PIN_INCORRECT");
  EXPECT_EQ(ckrName(0x80001234UL), "CKR_0x80001234");
  try {
    check(0xA0UL, "C_Login");
    FAIL() << "check did not throw";
  } catch (const Error& e) {
    EXPECT_EQ(e.function(), "C_Login");
    EXPECT_EQ(e.ckrName(), "CKR_PIN_INCORRECT");
    EXPECT_TRUE(e.retriable());
    EXPECT_NE(std::string(e.what()).find("module_test.cpp"), std::string::npos) << e.what();
  }
  EXPECT_NO_THROW(check(0, "C_Login"));
}

TEST(PinStatus, FromFlags) {
  EXPECT_EQ(pinStatusFromFlags(0).triesLeft, 3);
  EXPECT_EQ(pinStatusFromFlags(0x10000).triesLeft, 2);  // CKF_USER_PIN_COUNT_LOW
  EXPECT_EQ(pinStatusFromFlags(0x20000).triesLeft, 1);  // CKF_USER_PIN_FINAL_TRY
  const auto locked = pinStatusFromFlags(0x40000);      // CKF_USER_PIN_LOCKED
  EXPECT_EQ(locked.triesLeft, 0);
  EXPECT_TRUE(locked.locked);
}

TEST(NativeId, RoundTrip) {
  EXPECT_EQ(nativeUlongId(2).size(), sizeof(unsigned long));
  EXPECT_EQ(parseNativeUlongId(nativeUlongId(3)), 3UL);
  EXPECT_EQ(parseNativeUlongId(Bytes{2}), std::nullopt);
}

TEST_F(SpecimenTest, ListsTheSpecimenTokens) {
  std::vector<std::string> labels;
  for (const auto& slot : module_->slots(true)) labels.push_back(module_->tokenInfo(slot.id).label);
  for (const char* expected : {"Alice SPECIMEN", "Bob SPECIMEN", "eHealth Alice SPECIMEN", "eHealth Bob SPECIMEN"}) {
    EXPECT_NE(std::find(labels.begin(), labels.end(), expected), labels.end()) << expected;
  }
  const auto info = module_->tokenInfo(slotOf("Alice SPECIMEN"));
  EXPECT_TRUE(info.tokenInitialized);
  EXPECT_EQ(info.pin.triesLeft, 3);
  EXPECT_FALSE(info.pin.locked);
  EXPECT_FALSE(module_->info().manufacturer.empty());
}

TEST_F(SpecimenTest, WrongPinIsTypedAndNotRetried) {
  auto session = openSession("Alice SPECIMEN");
  try {
    session.login(Secret("9999"));
    FAIL() << "a wrong PIN logged in";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::PinIncorrect);
    EXPECT_EQ(e.ckrName(), "CKR_PIN_INCORRECT");
    EXPECT_TRUE(e.retriable());
    EXPECT_EQ(std::string(e.what()).find("9999"), std::string::npos) << "the PIN leaked into the message";
  }
  EXPECT_FALSE(session.loggedIn());
  // The right PIN still works afterwards: one failure did not lock the card.
  session.login(Secret("1234"));
  EXPECT_TRUE(session.loggedIn());
}

TEST_F(SpecimenTest, SlotEventsPollWithoutBlockingWhenNothingChanges) {
  // SoftHSM does not implement C_WaitForSlotEvent; the fallback compares slot lists.
  EXPECT_EQ(module_->waitForSlotEvent(false, std::chrono::milliseconds(1)), std::nullopt);
  std::stop_source stop;
  stop.request_stop();
  EXPECT_EQ(module_->waitForSlotEvent(true, std::chrono::milliseconds(1), stop.get_token()), std::nullopt);
}

}  // namespace
}  // namespace ehagent::pkcs11::test
