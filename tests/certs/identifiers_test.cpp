#include "certs/identifiers.hpp"

#include <gtest/gtest.h>

namespace ehagent::certs {
namespace {

TEST(Identifiers, AcceptsTheSpecimenSsins) {
  EXPECT_TRUE(isValidSsin("78031215280"));
  EXPECT_TRUE(isValidSsin("82110523358"));
}

TEST(Identifiers, AcceptsABirthFrom2000OnlyThroughThe2PrefixRule) {
  EXPECT_TRUE(isValidSsin("15062034820"));
  // The same nine digits read as a 1915 birth: 97 - (150620348 mod 97) = 88.
  EXPECT_TRUE(isValidSsin("15062034888"));
  EXPECT_FALSE(isValidSsin("15062034821"));
}

TEST(Identifiers, RejectsMalformedSsins) {
  EXPECT_FALSE(isValidSsin("78031215281"));
  EXPECT_FALSE(isValidSsin("7803121528"));
  EXPECT_FALSE(isValidSsin("780312152800"));
  EXPECT_FALSE(isValidSsin("78.03.12-152.80"));
  EXPECT_FALSE(isValidSsin("7803121528a"));
  EXPECT_FALSE(isValidSsin(""));
}

TEST(Identifiers, AcceptsTheSpecimenNihiisIn8And11Digits) {
  EXPECT_TRUE(isValidNihii("10012378004"));
  EXPECT_TRUE(isValidNihii("10045636003"));
  EXPECT_TRUE(isValidNihii("10012378"));
}

TEST(Identifiers, RejectsMalformedNihiis) {
  EXPECT_FALSE(isValidNihii("10012379004"));
  EXPECT_FALSE(isValidNihii("1001237800"));
  EXPECT_FALSE(isValidNihii("100123780041"));
  EXPECT_FALSE(isValidNihii("1001237800x"));
  EXPECT_FALSE(isValidNihii(""));
}

}  // namespace
}  // namespace ehagent::certs
