// Enveloped XMLDSig for each algorithm, checked by xmlsec1 (RSA-PSS: xmlsec1 1.2 lacks it, so
// xmllint + the openssl CLI check SignedInfo instead), and the attacks both verifiers must refuse.
#include <gtest/gtest.h>

#include "test_keys.hpp"
#include "core/base64.hpp"
#include "tokens/error.hpp"
#include "tokens/xml/xmldsig.hpp"

namespace ehagent::tokens {
namespace {

using testing::quote;
using testing::runShell;
using testing::TempDir;
using testing::TestKey;

struct AlgCase {
  const char* name;
  const char* keyspec;
  SignatureAlgorithm alg;
};

constexpr const char* kDoc = "<doc xmlns=\"urn:test\" ID=\"doc1\"><data>hello</data><amount>10</amount></doc>";

class XmlDsigTest : public ::testing::TestWithParam<AlgCase> {
 protected:
  void SetUp() override {
    ca_ = std::make_unique<TestKey>(testing::makeKey(dir_, "ca", "rsa:2048"));
    leaf_ = std::make_unique<TestKey>(testing::makeKey(dir_, "leaf", GetParam().keyspec, ca_.get()));
    attacker_ = std::make_unique<TestKey>(testing::makeKey(dir_, "attacker", GetParam().keyspec));
  }

  std::string signDoc(std::string_view text, TestKey& key) {
    xml::Document doc = xml::Document::parse(text);
    xmldsig::SignOptions options;
    options.reference_ids = {"doc1"};
    options.algorithm = GetParam().alg;
    xmldsig::sign(doc, doc.root(), options, *key.signer);
    return doc.serialize();
  }

  // Independent verdict: xmlsec1 against the test CA, or for RSA-PSS openssl over xmllint's c14n.
  bool independentlyValid(const std::string& signed_xml) {
    const std::string file = dir_ / "signed.xml";
    testing::writeFile(file, signed_xml);
    std::string out;
    if (GetParam().alg != SignatureAlgorithm::RsaPssSha256) {
      const int rc = runShell("xmlsec1 --verify --trusted-pem " + quote(ca_->cert_pem_path) +
                             " --id-attr:ID urn:test:doc " + quote(file),
                         &out);
      return rc == 0;
    }
    return pssSignedInfoValid(signed_xml);
  }

  bool pssSignedInfoValid(const std::string& signed_xml) {
    const auto begin = signed_xml.find("<ds:SignedInfo>");
    const auto end = signed_xml.find("</ds:SignedInfo>");
    const auto vbegin = signed_xml.find("<ds:SignatureValue>");
    const auto vend = signed_xml.find("</ds:SignatureValue>");
    if (begin == std::string::npos || end == std::string::npos || vbegin == std::string::npos) return false;
    std::string si = signed_xml.substr(begin, end + 16 - begin);
    si.insert(14, " xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"");
    testing::writeFile(dir_ / "si.xml", si);
    const std::string value = signed_xml.substr(vbegin + 19, vend - vbegin - 19);
    std::vector<std::uint8_t> sig;
    try {
      sig = base64Decode(value);
    } catch (const Error&) {
      return false;
    }
    testing::writeFile(dir_ / "sig.bin", std::string(sig.begin(), sig.end()));
    std::string out;
    return runShell("xmllint --exc-c14n " + quote(dir_ / "si.xml") + " > " + quote(dir_ / "si.c14n") +
                   " && openssl x509 -pubkey -noout -in " + quote(leaf_->cert_pem_path) + " > " + quote(dir_ / "pub.pem") +
                   " && openssl dgst -sha256 -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:32 -verify " +
                   quote(dir_ / "pub.pem") + " -signature " + quote(dir_ / "sig.bin") + " " + quote(dir_ / "si.c14n"),
               &out) == 0;
  }

  std::string ourVerdict(const std::string& signed_xml) {
    try {
      const auto doc = xml::Document::parse(signed_xml);
      const auto verified = xmldsig::verifyEnveloped(doc, doc.root(), {.certificate = {}, .trusted = {ca_->cert}});
      if (verified.algorithm != GetParam().alg) return "wrong algorithm";
      if (!(verified.certificate == leaf_->cert)) return "wrong certificate";
      return "ok";
    } catch (const Error& e) {
      return e.code();
    }
  }

  TempDir dir_;
  std::unique_ptr<TestKey> ca_, leaf_, attacker_;
};

TEST_P(XmlDsigTest, EnvelopedSignatureVerifiesIndependentlyAndWithOurs) {
  const std::string signed_xml = signDoc(kDoc, *leaf_);
  EXPECT_TRUE(independentlyValid(signed_xml)) << signed_xml;
  EXPECT_EQ(ourVerdict(signed_xml), "ok");
}

TEST_P(XmlDsigTest, ContentChangedAfterSigningIsRejected) {
  std::string signed_xml = signDoc(kDoc, *leaf_);
  signed_xml.replace(signed_xml.find("<amount>10<"), 11, "<amount>99<");
  if (GetParam().alg != SignatureAlgorithm::RsaPssSha256) EXPECT_FALSE(independentlyValid(signed_xml));
  EXPECT_EQ(ourVerdict(signed_xml), "signature_invalid");
}

TEST_P(XmlDsigTest, WrappedDuplicateIdIsRejected) {
  // The signed original is hidden in a wrapper; a forged element with the same ID takes its place.
  const std::string original = signDoc(kDoc, *leaf_);
  const auto doc_start = original.find("<doc");
  const std::string signed_element = original.substr(doc_start);
  const auto sig_start = signed_element.find("<ds:Signature");
  const auto sig_end = signed_element.find("</ds:Signature>") + 15;
  const std::string forged = "<doc xmlns=\"urn:test\" ID=\"doc1\"><data>hello</data><amount>99</amount>" +
                             signed_element.substr(sig_start, sig_end - sig_start) + "<wrapper>" + signed_element +
                             "</wrapper></doc>";
  if (GetParam().alg != SignatureAlgorithm::RsaPssSha256) EXPECT_FALSE(independentlyValid(forged)) << forged;
  EXPECT_EQ(ourVerdict(forged), "duplicate_id");
}

TEST_P(XmlDsigTest, ResignedByUntrustedKeyIsRejected) {
  const std::string forged = signDoc("<doc xmlns=\"urn:test\" ID=\"doc1\"><data>hello</data><amount>99</amount></doc>",
                                     *attacker_);
  if (GetParam().alg != SignatureAlgorithm::RsaPssSha256) {
    EXPECT_FALSE(independentlyValid(forged));
  }
  EXPECT_EQ(ourVerdict(forged), "signature_untrusted");
}

TEST_P(XmlDsigTest, SignatureFromAnotherKeyThanKeyInfoIsRejected) {
  // KeyInfo names the leaf, but the attacker's key signed: the value must not verify.
  std::string forged = signDoc(kDoc, *attacker_);
  const auto at = forged.find("<ds:X509Certificate>") + 20;
  forged.replace(at, forged.find("</ds:X509Certificate>") - at, base64Encode(leaf_->cert.der()));
  EXPECT_EQ(ourVerdict(forged), "signature_invalid");
}

INSTANTIATE_TEST_SUITE_P(Algorithms, XmlDsigTest,
                         ::testing::Values(AlgCase{"RsaSha256", "rsa:2048", SignatureAlgorithm::RsaSha256},
                                           AlgCase{"RsaPss", "rsa:2048", SignatureAlgorithm::RsaPssSha256},
                                           AlgCase{"EcP256", "ec:P-256", SignatureAlgorithm::EcdsaSha256},
                                           AlgCase{"EcP384", "ec:P-384", SignatureAlgorithm::EcdsaSha384}),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(XmlDsigStructure, RefusesForeignTransformsAndMissingReferences) {
  TempDir dir;
  auto key = testing::makeKey(dir, "k", "ec:P-256");
  xml::Document doc = xml::Document::parse(kDoc);
  xmldsig::SignOptions options;
  options.reference_ids = {"nope"};
  try {
    xmldsig::sign(doc, doc.root(), options, *key.signer);
    FAIL() << "signed a missing ID";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), "invalid_input");
  }
  options.reference_ids = {"doc1"};
  xml::Document fresh = xml::Document::parse(kDoc);
  xmldsig::sign(fresh, fresh.root(), options, *key.signer);
  std::string text = fresh.serialize();
  const std::string c14n = "http://www.w3.org/2001/10/xml-exc-c14n#\"/></ds:Transforms>";
  text.replace(text.find(c14n), c14n.size(),
               "http://www.w3.org/2001/10/xml-exc-c14n#\"/><ds:Transform Algorithm=\"http://www.w3.org/TR/1999/REC-xpath-19991116\"/></ds:Transforms>");
  const auto parsed = xml::Document::parse(text);
  try {
    xmldsig::verifyEnveloped(parsed, parsed.root());
    FAIL() << "accepted an XPath transform";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), "signature_invalid") << e.what();
  }
}

}  // namespace
}  // namespace ehagent::tokens
