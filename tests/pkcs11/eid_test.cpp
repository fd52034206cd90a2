#include <gtest/gtest.h>

#include "pkcs11/eid.hpp"
#include "tests/pkcs11/fixture.hpp"

namespace ehagent::pkcs11::test {
namespace {

using testsupport::runCommand;

// The SSIN check digits (97 - first nine digits mod 97; "2" prefixed for births from 2000).
bool validSsin(const std::string& ssin) {
  if (ssin.size() != 11) return false;
  const unsigned long long body = std::stoull(ssin.substr(0, 9));
  const unsigned long check = std::stoul(ssin.substr(9));
  return 97 - body % 97 == check || 97 - (2000000000ULL + body) % 97 == check;
}

// The card's certificate verifies against the specimen chain, checked by openssl.
void expectChainVerifies(const TokenProfile& profile, const std::string& label) {
  testsupport::TempDir dir;
  const auto* cert = profile.certificate(label);
  ASSERT_NE(cert, nullptr) << label;
  const auto path = writeBytes(dir, "leaf.der", cert->der);
  const auto pem = runCommand({"openssl", "x509", "-inform", "DER", "-in", path, "-out", (dir / "leaf.pem").string()});
  ASSERT_EQ(pem.exitCode, 0) << pem.err;
  const auto result = runCommand({"openssl", "verify", "-CAfile", testsupport::SpecimenCopy::pki("belgium-root-ca.pem").string(),
                                  "-untrusted", testsupport::SpecimenCopy::pki("citizen-ca.pem").string(),
                                  (dir / "leaf.pem").string()});
  EXPECT_EQ(result.exitCode, 0) << result.out << result.err;
}

TEST_F(SpecimenTest, AliceIsAnRsaEid) {
  auto session = openSession("Alice SPECIMEN");
  const auto profile = readTokenProfile(session);
  EXPECT_EQ(profile.kind, TokenKind::EidRsa);
  ASSERT_TRUE(profile.holder.has_value());
  EXPECT_EQ(profile.holder->surname, "SPECIMEN");
  EXPECT_EQ(profile.holder->firstNames, "Alice");
  EXPECT_EQ(profile.holder->ssin, "78031215280");
  EXPECT_TRUE(validSsin(profile.holder->ssin));
  EXPECT_FALSE(profile.holder->cardNumber.empty());
  EXPECT_EQ(profile.holder->validityEnd, "01.01.2034");
  EXPECT_EQ(profile.holder->fields.at("gender"), "F");
  EXPECT_EQ(profile.holder->fields.size(), 13u);
  ASSERT_EQ(profile.keys.size(), 2u);
  EXPECT_EQ(profile.keys[0].algorithm, "RSA-2048");
  EXPECT_EQ(parseNativeUlongId(profile.keys[1].id), kEidSignatureKeyId);
  for (const char* label : {"Authentication", "Signature", "CA", "Root"}) {
    EXPECT_NE(profile.certificate(label), nullptr) << label;
  }
  expectChainVerifies(profile, "Authentication");
  expectChainVerifies(profile, "Signature");
}

TEST_F(SpecimenTest, BobIsAnEcEid) {
  auto session = openSession("Bob SPECIMEN");
  const auto profile = readTokenProfile(session);
  EXPECT_EQ(profile.kind, TokenKind::EidEc);
  ASSERT_TRUE(profile.holder.has_value());
  EXPECT_EQ(profile.holder->ssin, "82110523358");
  EXPECT_TRUE(validSsin(profile.holder->ssin));
  ASSERT_EQ(profile.keys.size(), 2u);
  EXPECT_EQ(profile.keys[0].algorithm, "EC P-384");
  EXPECT_EQ(profile.keys[1].algorithm, "EC P-384");
  expectChainVerifies(profile, "Authentication");
}

TEST_F(SpecimenTest, EHealthTokenIsRecognised) {
  auto session = openSession("eHealth Alice SPECIMEN");
  const auto profile = readTokenProfile(session);
  EXPECT_EQ(profile.kind, TokenKind::EHealth);
  EXPECT_FALSE(profile.holder.has_value());
  ASSERT_NE(profile.certificate("authentication"), nullptr);
  ASSERT_EQ(profile.keys.size(), 1u);
  EXPECT_EQ(profile.keys[0].algorithm, "RSA-2048");
  EXPECT_EQ(toString(profile.kind), "ehealth");
}

TEST(SsinCheck, SpecimenNumbersAreValid) {
  EXPECT_TRUE(validSsin("78031215280"));
  EXPECT_TRUE(validSsin("15062034820"));
  EXPECT_FALSE(validSsin("78031215281"));
}

}  // namespace
}  // namespace ehagent::pkcs11::test
