#include "tests/pkcs11/fixture.hpp"

#include <stdexcept>

namespace ehagent::pkcs11::test {

void SpecimenTest::SetUp() {
  specimen_ = std::make_unique<testsupport::SpecimenCopy>();
  module_ = Module::load(testsupport::softhsmModule());
}

void SpecimenTest::TearDown() {
  module_.reset();  // C_Finalize before the token directory goes away
  specimen_.reset();
}

SlotId SpecimenTest::slotOf(const std::string& label) const {
  for (auto slot : module_->slotIds(true)) {
    if (module_->tokenInfo(slot).label == label) return slot;
  }
  throw std::runtime_error("no token labelled " + label);
}

Session SpecimenTest::openSession(const std::string& label, bool readWrite) const {
  return Session(module_, slotOf(label), readWrite);
}

std::string writeBytes(const testsupport::TempDir& dir, const std::string& name, const Bytes& bytes) {
  const auto path = dir / name;
  testsupport::writeFile(path, std::string(bytes.begin(), bytes.end()));
  return path.string();
}

}  // namespace ehagent::pkcs11::test
