#include "certs/pkcs12.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>

#include "certs/error.hpp"
#include "tests/certs/test_pki.hpp"

namespace ehagent::certs {
namespace {

namespace fs = std::filesystem;

std::string upperHex(const Bytes& b) {
  std::string s = toHex(b);
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// The same number without leading zero bytes, as the CLI prints it: a fixed-width value such as
// an EC private key starts with 00 once in 256 keys.
std::string asNumber(std::string hex) {
  while (hex.size() > 2 && hex.starts_with("00")) hex.erase(0, 2);
  return hex;
}

class Pkcs12Test : public ::testing::Test {
 protected:
  void SetUp() override {
    try {
      pki_ = testing::makeTestPki(dir_.path());
    } catch (const std::exception& e) {
      FAIL() << e.what();
    }
  }
  std::string codeOf(const fs::path& file, std::string_view password) {
    try {
      Pkcs12::load(file, Secret(password));
      return "ok";
    } catch (const Error& e) {
      if (!password.empty()) {
        EXPECT_EQ(std::string(e.what()).find(password), std::string::npos) << "password in message";
      }
      return e.code();
    }
  }
  // The openssl CLI's text dump of a key, hex digits of one labelled block only.
  std::string cliKeyBlock(const fs::path& key, const std::string& label) {
    const auto out = dir_.path() / "key.txt";
    testing::run("openssl pkey -in '" + key.string() + "' -noout -text -out '" + out.string() + "'",
                 dir_.path() / "cli.log");
    const std::string text = testing::readFile(out);
    auto pos = text.find(label + ":");
    if (pos == std::string::npos) return "";
    pos = text.find('\n', pos);
    std::string hex;
    for (; pos < text.size(); ++pos) {
      const char c = text[pos];
      if (std::isalpha(static_cast<unsigned char>(c)) && !std::isxdigit(static_cast<unsigned char>(c))) break;
      if (c == '\n' && pos + 1 < text.size() && text[pos + 1] != ' ') break;
      if (std::isxdigit(static_cast<unsigned char>(c))) hex += static_cast<char>(std::toupper(c));
    }
    while (hex.size() > 2 && hex.substr(0, 2) == "00") hex.erase(0, 2);
    return hex;
  }

  testing::TempDir dir_;
  testing::TestPki pki_;
};

TEST_F(Pkcs12Test, OpensWithTheRightPassword) {
  const auto p12 = Pkcs12::load(pki_.aliceP12, Secret(pki_.p12Password));
  EXPECT_EQ(p12.certificate(), Certificate::loadFile(pki_.aliceEhealth));
  ASSERT_EQ(p12.chain().size(), 1u);
  EXPECT_EQ(p12.chain()[0], Certificate::loadFile(pki_.ehealthCa));
  EXPECT_TRUE(p12.keyMatchesCertificate());
  EXPECT_EQ(p12.keyAlgorithm(), "RSA-2048");
  EXPECT_NE(std::find(p12.aliases().begin(), p12.aliases().end(), "authentication"),
            p12.aliases().end());
}

TEST_F(Pkcs12Test, ExposesRsaComponentsThatMatchTheCli) {
  const auto p12 = Pkcs12::load(pki_.aliceP12, Secret(pki_.p12Password));
  const auto key = p12.privateKey();
  ASSERT_EQ(key.type, PrivateKeyComponents::Type::Rsa);
  EXPECT_EQ(key.modulus.size(), 256u);
  EXPECT_EQ(upperHex(key.modulus), cliKeyBlock(pki_.aliceEhealthKey, "modulus"));
  EXPECT_EQ(upperHex(key.privateExponent), cliKeyBlock(pki_.aliceEhealthKey, "privateExponent"));
  EXPECT_EQ(upperHex(key.prime1), cliKeyBlock(pki_.aliceEhealthKey, "prime1"));
  EXPECT_EQ(upperHex(key.coefficient), cliKeyBlock(pki_.aliceEhealthKey, "coefficient"));
  EXPECT_EQ(upperHex(key.publicExponent), "010001");
}

TEST_F(Pkcs12Test, ExposesEcComponentsThatMatchTheCli) {
  const fs::path key = dir_.path() / "bob_ehealth.key";
  const fs::path p12 = dir_.path() / "bob.p12";
  testing::run("openssl pkcs12 -export -inkey '" + key.string() + "' -in '" +
                   pki_.bobEhealth.string() + "' -name authentication -passout pass:x -out '" +
                   p12.string() + "'",
               dir_.path() / "cli.log");
  const auto c = Pkcs12::load(p12, Secret("x")).privateKey();
  ASSERT_EQ(c.type, PrivateKeyComponents::Type::Ec);
  EXPECT_EQ(toHex(c.ecParams), "06082a8648ce3d030107");  // OID 1.2.840.10045.3.1.7, P-256
  EXPECT_EQ(c.ecPrivateValue.size(), 32u);
  EXPECT_EQ(asNumber(upperHex(c.ecPrivateValue)), cliKeyBlock(key, "priv"));
  EXPECT_EQ(c.ecPoint.size(), 65u);
  EXPECT_EQ(upperHex(c.ecPoint), cliKeyBlock(key, "pub"));
}

TEST_F(Pkcs12Test, WrongPasswordIsNotADamagedFile) {
  EXPECT_EQ(codeOf(pki_.aliceP12, "not-the-password"), "p12_password");
  EXPECT_EQ(codeOf(pki_.aliceP12, ""), "p12_password");
}

TEST_F(Pkcs12Test, TruncatedOrForeignFilesAreInvalid) {
  const std::string data = testing::readFile(pki_.aliceP12);
  testing::writeFile(dir_.path() / "half.p12", data.substr(0, data.size() / 2));
  EXPECT_EQ(codeOf(dir_.path() / "half.p12", pki_.p12Password), "p12_invalid");
  EXPECT_EQ(codeOf(pki_.aliceEhealth, pki_.p12Password), "p12_invalid");
  testing::writeFile(dir_.path() / "empty.p12", "");
  EXPECT_EQ(codeOf(dir_.path() / "empty.p12", pki_.p12Password), "p12_invalid");
  EXPECT_EQ(codeOf(dir_.path() / "absent.p12", pki_.p12Password), "io_error");
}

TEST_F(Pkcs12Test, NamesTheAliasesWhenAuthenticationIsMissing) {
  const fs::path p12 = dir_.path() / "other.p12";
  testing::run("openssl pkcs12 -export -inkey '" + pki_.aliceEhealthKey.string() + "' -in '" +
                   pki_.aliceEhealth.string() + "' -certfile '" + pki_.ehealthCa.string() +
                   "' -caname 'eHealth CA Test' -name 4097 -passout pass:x -out '" +
                   p12.string() + "'",
               dir_.path() / "cli.log");
  try {
    Pkcs12::load(p12, Secret("x"));
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), "p12_no_authentication");
    EXPECT_NE(std::string(e.what()).find("4097"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace ehagent::certs
