#include <gtest/gtest.h>

#include <set>

#include "pkcs11/error.hpp"
#include "pkcs11/objects.hpp"
#include "core/secret.hpp"
#include "tests/pkcs11/fixture.hpp"

namespace ehagent::pkcs11::test {
namespace {

constexpr unsigned long kCkaLabel = 0x03;  // CKA_LABEL
constexpr unsigned long kCkaValue = 0x11;  // CKA_VALUE

TEST_F(SpecimenTest, FindLoopsPastOneBatch) {
  auto session = openSession("eHealth Bob SPECIMEN", true);
  session.login(Secret("1234"));
  const Bytes group{'t', 'e', 's', 't'};
  for (int i = 0; i < 40; ++i) {
    const std::string label = "object-" + std::to_string(i);
    (void)createDataObject(session, label, group, Bytes(label.begin(), label.end()));
  }
  const auto found = session.find({Attribute::bytes(0x12 /* CKA_OBJECT_ID */, group)});
  ASSERT_EQ(found.size(), 40u);
  std::set<std::string> labels;
  for (auto handle : found) labels.insert(session.textAttribute(handle, kCkaLabel).value_or(""));
  EXPECT_EQ(labels.size(), 40u);
  EXPECT_TRUE(labels.contains("object-39"));
}

TEST_F(SpecimenTest, LongAttributesAreReadWhole) {
  auto session = openSession("eHealth Bob SPECIMEN", true);
  session.login(Secret("1234"));
  Bytes big(20000);
  for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<std::uint8_t>(i * 7);
  const auto handle = createDataObject(session, "PHOTO_FILE", Bytes{'i', 'd'}, big);
  EXPECT_EQ(session.attribute(handle, kCkaValue), big);
  EXPECT_EQ(session.attribute(handle, 0x1234567UL), std::nullopt);  // an attribute it does not have
}

TEST_F(SpecimenTest, ImportedEcKeyAndGeneratedKeyCanBeFound) {
  auto session = openSession("eHealth Bob SPECIMEN", true);
  session.login(Secret("1234"));
  KeyAttributes attributes{"generated", Bytes{0x42}, false, true, false};
  const auto pair = generateEcKeyPair(session, p256Params(), attributes);
  const auto pub = readEcPublicKey(session, pair.publicKey);
  EXPECT_EQ(pub.params, p256Params());
  EXPECT_EQ(pub.point.size(), 67u);  // OCTET STRING header + 65-byte uncompressed point
  EXPECT_EQ(session.find(ObjectClass::PrivateKey, std::string("generated")).size(), 1u);
  EXPECT_THROW((void)importEcKey(session, EcPrivateKey{}, attributes), Error);
}

}  // namespace
}  // namespace ehagent::pkcs11::test
