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

TEST(Identifiers, TheSpecimenNihiisIn8And11DigitsPassTheCheck) {
  for (const char* n : {"10012378004", "10045636003", "10012378"}) {
    EXPECT_TRUE(isWellFormedNihii(n)) << n;
    EXPECT_TRUE(nihiiCheckDigitsMatch(n)) << n;
  }
}

TEST(Identifiers, AWrongCheckIsStillAWellFormedNihii) {
  // 97 - (100123 mod 97) = 78, not 79: the check fails, the shape does not.
  EXPECT_TRUE(isWellFormedNihii("10012379004"));
  EXPECT_FALSE(nihiiCheckDigitsMatch("10012379004"));
}

TEST(Identifiers, RejectsMalformedNihiis) {
  for (const char* n : {"1001237800", "100123780041", "1001237800x", "1001237", ""}) {
    EXPECT_FALSE(isWellFormedNihii(n)) << n;
    EXPECT_FALSE(nihiiCheckDigitsMatch(n)) << n;
  }
}

}  // namespace
}  // namespace ehagent::certs
