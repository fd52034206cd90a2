#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>

#include "agent/session/cards.hpp"
#include "tests/pkcs11/fixture.hpp"

namespace ehagent::pkcs11::test {
namespace {

// The SSIN check digits, computed here independently of the code under test.
bool validSsin(const std::string& ssin) {
  if (ssin.size() != 11) return false;
  const unsigned long long body = std::stoull(ssin.substr(0, 9));
  const unsigned long check = std::stoul(ssin.substr(9));
  return 97 - body % 97 == check || 97 - (2000000000ULL + body) % 97 == check;
}

const nlohmann::json* tokenLabelled(const nlohmann::json& module, const std::string& label) {
  for (const auto& slot : module["slots"]) {
    if (slot.contains("token") && slot["token"]["label"] == label) return &slot["token"];
  }
  return nullptr;
}

class CardsTest : public SpecimenTest {
 protected:
  void SetUp() override {
    SpecimenTest::SetUp();
    module_.reset();  // the command loads the module itself
  }
};

// Each token, key and certificate comes with its PKCS#11 URI, and a module can be named by one.
TEST_F(CardsTest, EveryTokenKeyAndCertificateHasItsUriAndTheModuleCanBeAUri) {
  std::ostringstream out, err;
  ASSERT_EQ(agent::runCardsCommand({"pkcs11:?module-path=" + testsupport::softhsmModule()}, true, out, err), 0)
      << err.str();
  const auto cards = nlohmann::json::parse(out.str());
  const auto* alice = tokenLabelled(cards[0], "Alice SPECIMEN");
  ASSERT_NE(alice, nullptr) << out.str();
  const std::string uri = (*alice)["uri"];
  EXPECT_NE(uri.find("token=Alice%20SPECIMEN"), std::string::npos) << uri;
  EXPECT_NE(uri.find("serial=" + (*alice)["serial"].get<std::string>()), std::string::npos) << uri;
  ASSERT_FALSE((*alice)["keys"].empty());
  for (const auto& key : (*alice)["keys"]) {
    const std::string key_uri = key["uri"];
    EXPECT_TRUE(key_uri.starts_with(uri.substr(0, uri.find(";token=")))) << key_uri;
    EXPECT_NE(key_uri.find("object=" + key["label"].get<std::string>()), std::string::npos) << key_uri;
    EXPECT_NE(key_uri.find("type=private"), std::string::npos) << key_uri;
  }
  for (const auto& cert : (*alice)["certificates"]) {
    EXPECT_NE(cert["uri"].get<std::string>().find("type=cert"), std::string::npos) << cert.dump();
  }
  std::ostringstream text, text_err;
  ASSERT_EQ(agent::runCardsCommand({"pkcs11:?module-name=softhsm2"}, false, text, text_err), 0) << text_err.str();
  EXPECT_NE(text.str().find(uri), std::string::npos) << text.str();
}

TEST_F(CardsTest, JsonListsBothHoldersAndTheEHealthTokens) {
  std::ostringstream out, err;
  ASSERT_EQ(agent::runCardsCommand({testsupport::softhsmModule()}, true, out, err), 0) << err.str();
  const auto cards = nlohmann::json::parse(out.str());
  ASSERT_EQ(cards.size(), 1u);
  const auto* alice = tokenLabelled(cards[0], "Alice SPECIMEN");
  const auto* bob = tokenLabelled(cards[0], "Bob SPECIMEN");
  const auto* ehealth = tokenLabelled(cards[0], "eHealth Alice SPECIMEN");
  ASSERT_TRUE(alice && bob && ehealth) << cards.dump(2);
  EXPECT_EQ((*alice)["kind"], "eid-rsa");
  EXPECT_EQ((*bob)["kind"], "eid-ec");
  EXPECT_EQ((*ehealth)["kind"], "ehealth");
  EXPECT_EQ((*alice)["holder"]["ssin"], "78031215280");
  EXPECT_EQ((*bob)["holder"]["ssin"], "82110523358");
  EXPECT_TRUE(validSsin((*alice)["holder"]["ssin"]));
  EXPECT_TRUE(validSsin((*bob)["holder"]["ssin"]));
  EXPECT_EQ((*alice)["keys"][0]["algorithm"], "RSA-2048");
  EXPECT_EQ((*bob)["keys"][0]["algorithm"], "EC P-384");
  EXPECT_EQ((*alice)["pin"]["tries_left"], 3);
  bool sawAuthCert = false;
  for (const auto& cert : (*bob)["certificates"]) {
    if (cert["label"] != "Authentication") continue;
    sawAuthCert = true;
    EXPECT_EQ(cert["key_algorithm"], "EC P-384");
    EXPECT_NE(cert["subject"].get<std::string>().find("82110523358"), std::string::npos);
    EXPECT_FALSE(cert["not_after"].get<std::string>().empty());
  }
  EXPECT_TRUE(sawAuthCert);
}

TEST_F(CardsTest, ABrokenModuleGetsOneLineAndOthersAreListed) {
  std::ostringstream out, err;
  const int rc = agent::runCardsCommand({"/nonexistent/libbroken.so", testsupport::softhsmModule()}, false, out, err);
  EXPECT_EQ(rc, 0);
  EXPECT_NE(err.str().find("/nonexistent/libbroken.so"), std::string::npos) << err.str();
  const std::string errors = err.str();
  EXPECT_EQ(std::count(errors.begin(), errors.end(), '\n'), 1);
  EXPECT_NE(out.str().find("Alice SPECIMEN, SSIN 78031215280"), std::string::npos) << out.str();
  EXPECT_NE(out.str().find("eid-ec"), std::string::npos) << out.str();
}

TEST_F(CardsTest, OnlyBrokenModulesFail) {
  std::ostringstream out, err;
  EXPECT_EQ(agent::runCardsCommand({"/nonexistent/libbroken.so"}, true, out, err), 1);
  const auto cards = nlohmann::json::parse(out.str());
  ASSERT_EQ(cards.size(), 1u);
  EXPECT_TRUE(cards[0].contains("error"));
}

}  // namespace
}  // namespace ehagent::pkcs11::test
