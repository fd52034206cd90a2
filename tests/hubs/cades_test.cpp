#include "tokens/sign/cades.hpp"

#include <gtest/gtest.h>

#include "tests/certs/test_pki.hpp"
#include "tests/hubs/shell.hpp"
#include "tokens/sign/crypto.hpp"
#include "tokens/sign/openssl_signer.hpp"

namespace ehagent::tokens {
namespace {

using certs::testing::TempDir;
using testing::q;
using testing::runShell;

class Cades : public ::testing::Test {
 protected:
  void SetUp() override { pki_ = certs::testing::makeTestPki(dir_.path()); }

  OpenSslSigner signerFor(const std::string& name) {
    const auto cert = certs::Certificate::loadFile(dir_.path() / (name + ".pem"));
    return OpenSslSigner::fromPemFile(dir_.path() / (name + ".key"), cert);
  }

  // openssl cms -verify against the test PKI's eID chain.
  testing::Run verify(const std::vector<std::uint8_t>& der, const std::string& detachedContent = {}) {
    const auto in = dir_.path() / "proof.der";
    testing::writeFile(in, der);
    // openssl cms has no -untrusted: the bundle holds the root and the citizen CA.
    const auto bundle = dir_.path() / "chain.pem";
    testing::writeFile(bundle, testing::readFile(pki_.root) + testing::readFile(pki_.citizenCa));
    std::string cmd = "openssl cms -verify -binary -inform DER -in " + q(in) + " -CAfile " +
                      q(bundle) + " -purpose any -out " + q(dir_.path() / "out.bin");
    if (!detachedContent.empty()) {
      testing::writeFile(dir_.path() / "content.bin", detachedContent);
      cmd += " -content " + q(dir_.path() / "content.bin");
    }
    return runShell(cmd);
  }

  std::string printed(const std::vector<std::uint8_t>& der) {
    testing::writeFile(dir_.path() / "print.der", der);
    return runShell("openssl cms -cmsout -print -inform DER -in " + q(dir_.path() / "print.der")).out;
  }

  TempDir dir_;
  certs::testing::TestPki pki_;
};

const std::string link_xml =
    R"(<core:therapeuticlink xmlns:core="http://www.ehealth.fgov.be/hubservices/core/v3"><core:patient/></core:therapeuticlink>)";

TEST_F(Cades, RsaSignatureKeyVerifiesWithOpensslCms) {
  auto signer = signerFor("alice_sign");
  const auto der = signCadesBes(asBytes(link_xml), signer);
  const auto r = verify(der);
  ASSERT_EQ(r.exitCode, 0) << r.out;
  EXPECT_EQ(testing::readFile(dir_.path() / "out.bin"), link_xml);
  const auto text = printed(der);
  EXPECT_NE(text.find("signingTime"), std::string::npos) << text;
  EXPECT_NE(text.find("id-smime-aa-signingCertificateV2"), std::string::npos) << text;
  EXPECT_NE(text.find("messageDigest"), std::string::npos);
}

TEST_F(Cades, EcP384KeyDetachedVerifies) {
  auto signer = signerFor("bob_auth");
  CadesOptions options;
  options.detached = true;
  options.chain = {certs::Certificate::loadFile(pki_.citizenCa)};
  const auto der = signCadesBes(asBytes(link_xml), signer, options);
  const auto r = verify(der, link_xml);
  ASSERT_EQ(r.exitCode, 0) << r.out;
}

TEST_F(Cades, ChangedContentFailsVerification) {
  auto signer = signerFor("alice_sign");
  CadesOptions options;
  options.detached = true;
  const auto der = signCadesBes(asBytes(link_xml), signer, options);
  std::string changed = link_xml;
  changed[changed.size() - 5] = 'X';
  EXPECT_NE(verify(der, changed).exitCode, 0);
}

TEST_F(Cades, UntrustedSignerFailsVerification) {
  // A leaf under a CA the verifier does not trust.
  const auto leaf = certs::testing::issueExtra(pki_, "rogue_leaf", "/C=BE/CN=Rogue", "keyUsage = digitalSignature", "rogue_ca");
  auto signer = OpenSslSigner::fromPemFile(dir_.path() / "rogue_leaf.key", certs::Certificate::loadFile(leaf));
  EXPECT_NE(verify(signCadesBes(asBytes(link_xml), signer)).exitCode, 0);
}

}  // namespace
}  // namespace ehagent::tokens
