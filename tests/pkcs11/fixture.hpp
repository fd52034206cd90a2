#pragma once
// A fresh copy of the specimen tokens and the SoftHSM module loaded through the production
// loader, per test.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "pkcs11/module.hpp"
#include "pkcs11/session.hpp"
#include "tests/support/support.hpp"

namespace ehagent::pkcs11::test {

class SpecimenTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  // The slot holding the token with this label; fails the test when there is none.
  SlotId slotOf(const std::string& label) const;
  Session openSession(const std::string& label, bool readWrite = false) const;

  std::unique_ptr<testsupport::SpecimenCopy> specimen_;
  std::shared_ptr<Module> module_;
};

// Writes bytes to a file in dir and returns its path.
std::string writeBytes(const testsupport::TempDir& dir, const std::string& name, const Bytes& bytes);

}  // namespace ehagent::pkcs11::test
