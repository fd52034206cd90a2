// PKCS#11 URIs (RFC 7512) over the specimen tokens, checked against p11tool (GnuTLS), which
// parses and prints them with its own code: each URI the agent writes selects the same token and
// object in p11tool, and each URI p11tool writes selects the same token in the agent.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>
#include <sstream>

#include "pkcs11/eid.hpp"
#include "pkcs11/error.hpp"
#include "pkcs11/uri.hpp"
#include "tests/pkcs11/fixture.hpp"

namespace ehagent::pkcs11::test {
namespace {

class UriTest : public SpecimenTest {
 protected:
  std::vector<TokenInfo> tokens() const {
    std::vector<TokenInfo> out;
    for (const SlotId slot : module_->slotIds(true)) {
      const TokenInfo info = module_->tokenInfo(slot);
      if (info.tokenInitialized) out.push_back(info);
    }
    return out;
  }
  testsupport::CommandResult p11tool(std::vector<std::string> args) const {
    args.insert(args.begin(), {"p11tool", "--provider", testsupport::softhsmModule()});
    return testsupport::runCommand(args);
  }
};

TEST_F(UriTest, EachTokenUriSelectsItsOwnTokenAndNoOther) {
  const auto all = tokens();
  ASSERT_EQ(all.size(), 4u);
  for (const TokenInfo& token : all) {
    const std::string uri = tokenUri(token);
    EXPECT_TRUE(uri.starts_with("pkcs11:")) << uri;
    const Uri parsed = Uri::parse(uri);
    EXPECT_TRUE(parsed.namesToken());
    for (const TokenInfo& other : all) {
      EXPECT_EQ(parsed.matchesToken(other), other.serialNumber == token.serialNumber) << uri << " vs " << other.label;
    }
  }
}

TEST_F(UriTest, P11toolsTokenUrlsSelectTheSameTokensHere) {
  const auto listed = p11tool({"--list-token-urls"});
  ASSERT_EQ(listed.exitCode, 0) << listed.err;
  std::istringstream lines(listed.out);
  std::set<std::string> matched;
  for (std::string url; std::getline(lines, url);) {
    if (!url.starts_with("pkcs11:")) continue;
    const Uri theirs = Uri::parse(url);
    int count = 0;
    for (const TokenInfo& token : tokens()) {
      if (!theirs.matchesToken(token)) continue;
      ++count;
      matched.insert(token.label);
    }
    EXPECT_EQ(count, 1) << url;
  }
  EXPECT_EQ(matched, (std::set<std::string>{"Alice SPECIMEN", "Bob SPECIMEN", "eHealth Alice SPECIMEN",
                                            "eHealth Bob SPECIMEN"}));
}

TEST_F(UriTest, P11toolFindsTheCertificateAnObjectUriNames) {
  const TokenInfo alice = module_->tokenInfo(slotOf("Alice SPECIMEN"));
  const TokenProfile profile = readTokenProfile(openSession("Alice SPECIMEN"));
  const TokenCertificate* cert = profile.certificate("Authentication");
  ASSERT_NE(cert, nullptr);
  const std::string uri = objectUri(alice, cert->label, cert->id, "cert");
  EXPECT_NE(uri.find("id=%"), std::string::npos) << uri;
  EXPECT_NE(uri.find("object=Authentication"), std::string::npos) << uri;
  EXPECT_NE(uri.find("type=cert"), std::string::npos) << uri;
  const auto found = p11tool({"--list-all-certs", uri});
  ASSERT_EQ(found.exitCode, 0) << uri << "\n" << found.err;
  EXPECT_NE(found.out.find("Label: Authentication"), std::string::npos) << found.out;
  EXPECT_EQ(found.out.find("Label: Signature"), std::string::npos) << found.out;
  EXPECT_NE(found.out.find("token=Alice%20SPECIMEN"), std::string::npos) << found.out;
  EXPECT_EQ(found.out.find("token=Bob"), std::string::npos) << found.out;
}

TEST_F(UriTest, ALabelOrAUriChoosesAToken) {
  const TokenInfo bob = module_->tokenInfo(slotOf("eHealth Bob SPECIMEN"));
  EXPECT_TRUE(tokenSelected("eHealth Bob SPECIMEN", bob));
  EXPECT_FALSE(tokenSelected("eHealth Bob", bob));  // a label is matched whole
  EXPECT_TRUE(tokenSelected("pkcs11:token=eHealth%20Bob%20SPECIMEN", bob));
  EXPECT_TRUE(tokenSelected("pkcs11:serial=" + bob.serialNumber, bob));
  EXPECT_FALSE(tokenSelected("pkcs11:token=eHealth%20Alice%20SPECIMEN", bob));
}

TEST(UriParse, MalformedOrUnmatchableUrisAreRefusedWithTheReason) {
  EXPECT_THROW((void)Uri::parse("pkcs11:token=%zz"), Error);
  EXPECT_THROW((void)Uri::parse("https://example.org/"), Error);
  try {
    (void)Uri::parse("pkcs11:tokn=Alice");
    FAIL() << "an attribute p11-kit does not know was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("cannot match"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(Uri::parse("pkcs11:").namesToken());
  EXPECT_FALSE(Uri::parse("pkcs11:?module-name=softhsm2").namesToken());
}

TEST(UriModules, AModuleIsAPathAModulePathOrTheNameP11KitRegistersItUnder) {
  const std::string softhsm = testsupport::softhsmModule();
  EXPECT_EQ(resolveModule(softhsm), softhsm);
  EXPECT_EQ(resolveModule("pkcs11:?module-path=" + softhsm), softhsm);
  // softhsm2 registers itself with p11-kit (/usr/share/p11-kit/modules/softhsm2.module).
  const std::string registered = resolveModule("pkcs11:?module-name=softhsm2");
  EXPECT_EQ(std::filesystem::canonical(registered), std::filesystem::canonical(softhsm));
  try {
    (void)resolveModule("pkcs11:?module-name=no-such-module");
    FAIL() << "an unregistered module name was resolved";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::ModuleLoad);
    EXPECT_NE(std::string(e.what()).find("p11-kit list-modules"), std::string::npos) << e.what();
  }
  const auto loaded = Module::load("pkcs11:?module-name=softhsm2");
  EXPECT_FALSE(loaded->slotIds(true).empty());
}

}  // namespace
}  // namespace ehagent::pkcs11::test
