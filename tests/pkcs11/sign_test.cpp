// Signatures made on the specimen cards through the production loader, each verified by the
// openssl CLI against the certificate read from the same card.
#include <gtest/gtest.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>

#include <memory>

#include "pkcs11/eid.hpp"
#include "pkcs11/error.hpp"
#include "core/secret.hpp"
#include "tests/pkcs11/fixture.hpp"

namespace ehagent::pkcs11::test {
namespace {

using testsupport::runCommand;

const std::string kData = "Sumehr for patient 15062034820, signed on a specimen card";

Bytes hostDigest(const char* name) {
  Bytes digest(EVP_MAX_MD_SIZE);
  unsigned int length = 0;
  EXPECT_EQ(EVP_Digest(kData.data(), kData.size(), digest.data(), &length, EVP_get_digestbyname(name), nullptr), 1);
  digest.resize(length);
  return digest;
}

// CKM_ECDSA gives raw r||s; the openssl CLI wants the DER SEQUENCE.
Bytes ecdsaToDer(const Bytes& raw) {
  const int half = static_cast<int>(raw.size() / 2);
  std::unique_ptr<ECDSA_SIG, decltype(&ECDSA_SIG_free)> sig(ECDSA_SIG_new(), ECDSA_SIG_free);
  ECDSA_SIG_set0(sig.get(), BN_bin2bn(raw.data(), half, nullptr), BN_bin2bn(raw.data() + half, half, nullptr));
  unsigned char* out = nullptr;
  const int length = i2d_ECDSA_SIG(sig.get(), &out);
  Bytes der(out, out + length);
  OPENSSL_free(out);
  return der;
}

class CardSignTest : public SpecimenTest {
 protected:
  // Verifies signature over kData with the public key of the card certificate labelled certLabel.
  ::testing::AssertionResult verify(Session& session, const std::string& certLabel, const Bytes& signature,
                                    const std::string& digest, std::vector<std::string> sigopts = {}) {
    const auto profile = readTokenProfile(session);
    const auto* cert = profile.certificate(certLabel);
    if (!cert) return ::testing::AssertionFailure() << "no certificate " << certLabel;
    const auto certPath = writeBytes(dir_, "cert.der", cert->der);
    const auto pub = runCommand({"openssl", "x509", "-inform", "DER", "-in", certPath, "-pubkey", "-noout"});
    if (pub.exitCode != 0) return ::testing::AssertionFailure() << pub.err;
    testsupport::writeFile(dir_ / "pub.pem", pub.out);
    testsupport::writeFile(dir_ / "data", kData);
    std::vector<std::string> argv{"openssl", "dgst", "-" + digest, "-verify", (dir_ / "pub.pem").string(),
                                  "-signature", writeBytes(dir_, "sig", signature)};
    for (const auto& opt : sigopts) {
      argv.push_back("-sigopt");
      argv.push_back(opt);
    }
    argv.push_back((dir_ / "data").string());
    const auto result = runCommand(argv);
    if (result.exitCode != 0) return ::testing::AssertionFailure() << result.out << result.err;
    return ::testing::AssertionSuccess();
  }

  std::span<const std::uint8_t> data() const {
    return {reinterpret_cast<const std::uint8_t*>(kData.data()), kData.size()};
  }

  testsupport::TempDir dir_;
};

TEST_F(CardSignTest, RsaPkcsWithDigestInfoForEachHash) {
  auto session = openSession("Alice SPECIMEN");
  session.login(Secret("1234"));
  const auto key = findPrivateKey(session, "Authentication", nativeUlongId(2));
  for (auto [hash, name] : {std::pair{HashAlgorithm::Sha256, "sha256"}, std::pair{HashAlgorithm::Sha384, "sha384"},
                            std::pair{HashAlgorithm::Sha512, "sha512"}}) {
    const auto signature = session.signDigest(key, hash, hostDigest(name));
    EXPECT_EQ(signature.size(), 256u);
    EXPECT_TRUE(verify(session, "Authentication", signature, name)) << name;
  }
}

TEST_F(CardSignTest, Sha256RsaPkcs) {
  auto session = openSession("Alice SPECIMEN");
  session.login(Secret("1234"));
  const auto key = findPrivateKey(session, "Authentication");
  const auto signature = session.sign(key, SignMechanism::Sha256RsaPkcs, data());
  EXPECT_TRUE(verify(session, "Authentication", signature, "sha256"));
}

TEST_F(CardSignTest, Sha256RsaPss) {
  auto session = openSession("Alice SPECIMEN");
  session.login(Secret("1234"));
  const auto key = findPrivateKey(session, "Authentication");
  const auto signature = session.sign(key, SignMechanism::Sha256RsaPss, data());
  EXPECT_TRUE(verify(session, "Authentication", signature, "sha256",
                     {"rsa_padding_mode:pss", "rsa_pss_saltlen:32", "rsa_mgf1_md:sha256"}));
}

TEST_F(CardSignTest, RsaPssOverHostHash) {
  auto session = openSession("Alice SPECIMEN");
  session.login(Secret("1234"));
  const auto key = findPrivateKey(session, "Authentication");
  const auto signature = session.sign(key, SignMechanism::RsaPss, hostDigest("sha256"), nullptr, HashAlgorithm::Sha256);
  EXPECT_TRUE(verify(session, "Authentication", signature, "sha256",
                     {"rsa_padding_mode:pss", "rsa_pss_saltlen:32", "rsa_mgf1_md:sha256"}));
}

TEST_F(CardSignTest, EcdsaP384RawSignature) {
  auto session = openSession("Bob SPECIMEN");
  session.login(Secret("1234"));
  const auto key = findPrivateKey(session, "Authentication", nativeUlongId(2));
  const auto signature = session.signDigest(key, HashAlgorithm::Sha384, hostDigest("sha384"));
  EXPECT_EQ(signature.size(), 96u);  // raw r||s, 48 bytes each
  EXPECT_TRUE(verify(session, "Authentication", ecdsaToDer(signature), "sha384"));
}

TEST_F(CardSignTest, SignatureKeyAsksForThePinEachTime) {
  auto session = openSession("Bob SPECIMEN");
  session.login(Secret("1234"));
  const auto key = findPrivateKey(session, "Signature", nativeUlongId(3));
  try {
    (void)session.signDigest(key, HashAlgorithm::Sha256, hostDigest("sha256"));
    FAIL() << "the Signature key signed without the PIN";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::NotLoggedIn);
  }
  const Secret pin("1234");
  for (int i = 0; i < 2; ++i) {
    const auto signature = session.signDigest(key, HashAlgorithm::Sha256, hostDigest("sha256"), &pin);
    EXPECT_TRUE(verify(session, "Signature", ecdsaToDer(signature), "sha256"));
  }
}

TEST_F(CardSignTest, SignatureKeyWithWrongContextPin) {
  auto session = openSession("Alice SPECIMEN");
  session.login(Secret("1234"));
  const auto key = findPrivateKey(session, "Signature");
  const Secret wrong("4321");
  try {
    (void)session.signDigest(key, HashAlgorithm::Sha256, hostDigest("sha256"), &wrong);
    FAIL() << "signed with a wrong PIN";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::PinIncorrect) << e.what();
  }
  // The failed attempt ended the signing operation: the next one works.
  const Secret pin("1234");
  const auto signature = session.signDigest(key, HashAlgorithm::Sha256, hostDigest("sha256"), &pin);
  EXPECT_TRUE(verify(session, "Signature", signature, "sha256"));
}

TEST_F(CardSignTest, EHealthKeySigns) {
  auto session = openSession("eHealth Alice SPECIMEN");
  session.login(Secret("1234"));
  const auto key = findPrivateKey(session, "authentication");
  const auto signature = session.sign(key, SignMechanism::Sha256RsaPkcs, data());
  EXPECT_TRUE(verify(session, "authentication", signature, "sha256"));
}

TEST_F(CardSignTest, PrivateKeysNeedLogin) {
  auto session = openSession("Alice SPECIMEN");
  EXPECT_THROW((void)findPrivateKey(session, "Authentication"), Error);
}

TEST(DigestInfo, RejectsWrongLength) {
  EXPECT_THROW((void)digestInfo(HashAlgorithm::Sha256, Bytes(20)), Error);
  EXPECT_EQ(digestInfo(HashAlgorithm::Sha384, Bytes(48)).size(), 19u + 48u);
}

}  // namespace
}  // namespace ehagent::pkcs11::test
