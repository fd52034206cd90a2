// XMLDSig verification against signature wrapping, reference tricks, foreign transforms and
// algorithms, comment and whitespace injection, and untrusted or mismatched keys. The signed
// documents are made with real keys from the openssl CLI; each forgery is a string edit.
#include <gtest/gtest.h>

#include "attack_util.hpp"
#include "tests/tokens/test_keys.hpp"
#include "tokens/sign/crypto.hpp"
#include "core/base64.hpp"
#include "tokens/xml/xmldsig.hpp"

namespace ehagent::security {
namespace {

using tokens::testing::TempDir;
using tokens::testing::TestKey;
namespace xml = tokens::xml;
namespace xmldsig = tokens::xmldsig;

constexpr const char* kDoc =
    "<doc xmlns=\"urn:test\" ID=\"doc1\"><payee>alice@example.be</payee><amount>10</amount></doc>";
constexpr std::string_view kRefUri = "URI=\"#doc1\"";
constexpr std::string_view kExcC14nTransform = "<ds:Transform Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"/>";

class XmlDsigAttack : public ::testing::Test {
 protected:
  void SetUp() override {
    ca_ = std::make_unique<TestKey>(tokens::testing::makeKey(dir_, "ca", "ec:P-256"));
    leaf_ = std::make_unique<TestKey>(tokens::testing::makeKey(dir_, "leaf", "ec:P-256", ca_.get()));
    attacker_ = std::make_unique<TestKey>(tokens::testing::makeKey(dir_, "attacker", "ec:P-256"));
  }

  std::string sign(std::string_view text, TestKey& key) {
    xml::Document doc = xml::Document::parse(text);
    xmldsig::SignOptions options;
    options.reference_ids = {"doc1"};
    xmldsig::sign(doc, doc.root(), options, *key.signer);
    return doc.serialize(false);
  }

  // Our verifier, as a caller uses it: the root must be what the one signature covers.
  std::string ours(const std::string& signed_xml) {
    return verdict([&] {
      const auto doc = xml::Document::parse(signed_xml);
      xmldsig::verifyEnveloped(doc, doc.root(), {.certificate = {}, .trusted = {ca_->cert}});
    });
  }

  // Replaces the signed element's DigestValue with the digest of `forged` (as an attacker would
  // recompute it), so that only the SignatureValue stands between the forgery and acceptance.
  static std::string withRecomputedDigest(const std::string& forged) {
    // The enveloped signature is excluded, as the transform says: compute over a copy without it.
    const std::string without = replaceOnce(forged, slice(forged, "<ds:Signature", "</ds:Signature>"), "");
    const auto bare = xml::Document::parse(without);
    const auto digest = ehagent::sha256(ehagent::asBytes(xml::excC14n(bare.root())));
    const std::string old_value = slice(forged, "<ds:DigestValue>", "</ds:DigestValue>");
    return replaceOnce(forged, old_value, "<ds:DigestValue>" + ehagent::base64Encode(digest) + "</ds:DigestValue>");
  }

  TempDir dir_;
  std::unique_ptr<TestKey> ca_, leaf_, attacker_;
};

TEST_F(XmlDsigAttack, BaselineSignedDocumentVerifies) { EXPECT_EQ(ours(sign(kDoc, *leaf_)), "ok"); }

TEST_F(XmlDsigAttack, EmptyReferenceUriIsRefused) {
  // URI="" with the enveloped transform digests the whole document: the same octets as "#doc1"
  // here, so a verifier that accepts it would also accept a signature over "whatever the root is".
  EXPECT_EQ(ours(replaceOnce(sign(kDoc, *leaf_), kRefUri, "URI=\"\"")), "signature_invalid");
}

TEST_F(XmlDsigAttack, XPointerReferencesAreRefused) {
  for (const char* uri : {"#xpointer(/)", "#xpointer(id('doc1'))", "#xpointer(//*[@ID='doc1'])"}) {
    EXPECT_EQ(ours(replaceOnce(sign(kDoc, *leaf_), kRefUri, "URI=\"" + std::string(uri) + "\"")), "signature_invalid")
        << uri;
  }
}

TEST_F(XmlDsigAttack, ExternalReferencesAreRefused) {
  const std::string file = "file://" + (dir_ / "leaf.pem").string();
  for (const std::string& uri : {std::string("http://127.0.0.1:9/doc"), file, std::string("doc1"), std::string("#")}) {
    EXPECT_EQ(ours(replaceOnce(sign(kDoc, *leaf_), kRefUri, "URI=\"" + uri + "\"")), "signature_invalid") << uri;
  }
  // No URI attribute at all.
  EXPECT_EQ(ours(replaceOnce(sign(kDoc, *leaf_), kRefUri, "")), "signature_invalid");
}

TEST_F(XmlDsigAttack, ForeignTransformsAreRefused) {
  const std::string xslt =
      "<ds:Transform Algorithm=\"http://www.w3.org/TR/1999/REC-xslt-19991116\"><xsl:stylesheet "
      "xmlns:xsl=\"http://www.w3.org/1999/XSL/Transform\" version=\"1.0\"/></ds:Transform>";
  const std::string xpath =
      "<ds:Transform Algorithm=\"http://www.w3.org/TR/1999/REC-xpath-19991116\"><ds:XPath>1</ds:XPath></ds:Transform>";
  const std::string xpath2 =
      "<ds:Transform Algorithm=\"http://www.w3.org/2002/06/xmldsig-filter2\"><dsig-xpath:XPath "
      "xmlns:dsig-xpath=\"http://www.w3.org/2002/06/xmldsig-filter2\" Filter=\"union\">/</dsig-xpath:XPath></ds:Transform>";
  const std::string inclusive = "<ds:Transform Algorithm=\"http://www.w3.org/TR/2001/REC-xml-c14n-20010315\"/>";
  const std::string with_comments = "<ds:Transform Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#WithComments\"/>";
  const std::string base64 = "<ds:Transform Algorithm=\"http://www.w3.org/2000/09/xmldsig#base64\"/>";
  for (const std::string& t : {xslt, xpath, xpath2, inclusive, with_comments, base64}) {
    // In place of the exclusive c14n transform, and in front of it.
    EXPECT_EQ(ours(replaceOnce(sign(kDoc, *leaf_), kExcC14nTransform, t)), "signature_invalid") << t;
    EXPECT_EQ(ours(replaceOnce(sign(kDoc, *leaf_), kExcC14nTransform, t + std::string(kExcC14nTransform))),
              "signature_invalid")
        << t;
  }
}

TEST_F(XmlDsigAttack, TransformOrderAndRepetitionAreChecked) {
  const std::string enveloped = "<ds:Transform Algorithm=\"http://www.w3.org/2000/09/xmldsig#enveloped-signature\"/>";
  const std::string signed_xml = sign(kDoc, *leaf_);
  // exc-c14n first, enveloped after it.
  const std::string swapped = replaceOnce(replaceOnce(signed_xml, enveloped, ""), kExcC14nTransform,
                                          std::string(kExcC14nTransform) + enveloped);
  EXPECT_EQ(ours(swapped), "signature_invalid");
  // Enveloped twice.
  EXPECT_EQ(ours(replaceOnce(signed_xml, enveloped, enveloped + enveloped)), "signature_invalid");
  // No transforms at all (the signature would be digested with itself inside).
  EXPECT_EQ(ours(replaceOnce(signed_xml, slice(signed_xml, "<ds:Transforms>", "</ds:Transforms>"), "")),
            "signature_invalid");
}

TEST_F(XmlDsigAttack, WeakOrForeignAlgorithmsAreRefused) {
  const std::string signed_xml = sign(kDoc, *leaf_);
  const std::string method = slice(signed_xml, "<ds:SignatureMethod", "/>");
  for (const char* alg : {"http://www.w3.org/2000/09/xmldsig#rsa-sha1", "http://www.w3.org/2000/09/xmldsig#hmac-sha1",
                          "http://www.w3.org/2001/04/xmldsig-more#hmac-sha256",
                          "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha1"}) {
    const std::string forged = replaceOnce(signed_xml, method, "<ds:SignatureMethod Algorithm=\"" + std::string(alg) + "\"/>");
    EXPECT_EQ(ours(forged), "unsupported_algorithm") << alg;
  }
  // HMAC with a truncated output length: the classic CVE-2009-0217 shape.
  const std::string hmac = replaceOnce(signed_xml, method,
                                       "<ds:SignatureMethod Algorithm=\"http://www.w3.org/2000/09/xmldsig#hmac-sha1\">"
                                       "<ds:HMACOutputLength>0</ds:HMACOutputLength></ds:SignatureMethod>");
  EXPECT_NE(ours(hmac), "ok");
  const std::string digest = slice(signed_xml, "<ds:DigestMethod", "/>");
  EXPECT_EQ(ours(replaceOnce(signed_xml, digest, "<ds:DigestMethod Algorithm=\"http://www.w3.org/2000/09/xmldsig#sha1\"/>")),
            "unsupported_algorithm");
  const std::string c14n = slice(signed_xml, "<ds:CanonicalizationMethod", "/>");
  EXPECT_EQ(ours(replaceOnce(signed_xml, c14n,
                             "<ds:CanonicalizationMethod Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#WithComments\"/>")),
            "unsupported_algorithm");
}

TEST_F(XmlDsigAttack, WrappingWithTheIdUnderAnotherAttributeNameIsRefused) {
  // The forged root carries the ID as AssertionID, the signed original (ID="doc1") hides inside.
  const std::string original = sign(kDoc, *leaf_);
  const std::string signature = slice(original, "<ds:Signature", "</ds:Signature>");
  const std::string forged = "<doc xmlns=\"urn:test\" AssertionID=\"doc1\"><payee>mallory@example.be</payee>"
                             "<amount>9999</amount>" + signature + "<hidden>" + original + "</hidden></doc>";
  EXPECT_EQ(ours(forged), "duplicate_id");
}

TEST_F(XmlDsigAttack, WrappingWithADifferentRootIdIsRefused) {
  // The forged root has its own ID; its Signature still names the hidden original.
  const std::string original = sign(kDoc, *leaf_);
  const std::string signature = slice(original, "<ds:Signature", "</ds:Signature>");
  const std::string forged = "<doc xmlns=\"urn:test\" ID=\"evil\"><payee>mallory@example.be</payee>" + signature +
                             "<hidden>" + original + "</hidden></doc>";
  EXPECT_EQ(ours(forged), "signature_invalid");
}

TEST_F(XmlDsigAttack, ReferenceIntoTheSignatureIsRefused) {
  // A ds:Object inside the Signature holding the "signed" element is the oldest wrapping trick.
  const std::string original = sign(kDoc, *leaf_);
  const std::string inner = replaceOnce(original, "ID=\"doc1\"", "ID=\"doc1\"");
  const std::string forged = replaceOnce(original, "</ds:Signature>",
                                         "<ds:Object>" + inner + "</ds:Object></ds:Signature>");
  EXPECT_NE(ours(forged), "ok");
}

TEST_F(XmlDsigAttack, CommentInsideSignedTextNeitherBreaksNorTruncatesIt) {
  // Exclusive c14n without comments drops the comment, so the signature still holds; what the
  // reader then sees must be the whole text, not the part before the comment.
  const std::string original = sign(kDoc, *leaf_);
  const std::string forged = replaceOnce(original, "alice@example.be", "alice@example.be<!---->.evil.example");
  EXPECT_NE(ours(forged), "ok") << "text after a comment was not covered by the digest";
  const std::string split = replaceOnce(original, "alice@example.be", "alice@<!--x-->example.be");
  ASSERT_EQ(ours(split), "ok");
  const auto doc = xml::Document::parse(split);
  const auto verified = xmldsig::verifyEnveloped(doc, doc.root(), {.certificate = {}, .trusted = {ca_->cert}});
  EXPECT_EQ(verified.references.front().child("urn:test", "payee")->text(), "alice@example.be");
}

TEST_F(XmlDsigAttack, WhitespaceInjectionBreaksTheSignature) {
  const std::string original = sign(kDoc, *leaf_);
  EXPECT_EQ(ours(replaceOnce(original, "<amount>", "<amount> ")), "signature_invalid");
  EXPECT_EQ(ours(replaceOnce(original, "<payee>", "\n<payee>")), "signature_invalid");
  EXPECT_EQ(ours(replaceOnce(original, "<ds:Reference", " <ds:Reference")), "signature_invalid");
}

TEST_F(XmlDsigAttack, RecomputedDigestDoesNotHelpWithoutTheKey) {
  const std::string forged = withRecomputedDigest(replaceOnce(sign(kDoc, *leaf_), ">10<", ">9999<"));
  EXPECT_EQ(ours(forged), "signature_invalid");
}

TEST_F(XmlDsigAttack, RightKeyOverAnotherDocumentIsRefused) {
  // The trusted key signed a harmless document with the same ID; its Signature is transplanted.
  const std::string harmless = sign("<doc xmlns=\"urn:test\" ID=\"doc1\"><payee>x</payee><amount>1</amount></doc>", *leaf_);
  const std::string target = sign(kDoc, *leaf_);
  const std::string forged = replaceOnce(replaceOnce(target, ">10<", ">9999<"),
                                         slice(target, "<ds:Signature", "</ds:Signature>"),
                                         slice(harmless, "<ds:Signature", "</ds:Signature>"));
  EXPECT_EQ(ours(forged), "signature_invalid");
}

TEST_F(XmlDsigAttack, UntrustedKeyResigningIsRefused) {
  EXPECT_EQ(ours(sign(replaceOnce(kDoc, ">10<", ">9999<"), *attacker_)), "signature_untrusted");
}

TEST_F(XmlDsigAttack, KeyInfoSmugglingATrustedCertificateIsRefused) {
  // The attacker signs, then lists its own certificate and the trusted one: which one is used?
  const std::string forged = sign(replaceOnce(kDoc, ">10<", ">9999<"), *attacker_);
  const std::string cert = slice(forged, "<ds:X509Certificate>", "</ds:X509Certificate>");
  const std::string both = replaceOnce(forged, cert, cert + "<ds:X509Certificate>" +
                                                         ehagent::base64Encode(leaf_->cert.der()) + "</ds:X509Certificate>");
  EXPECT_NE(ours(both), "ok");
  // Only the trusted certificate in KeyInfo, the attacker's signature value.
  EXPECT_EQ(ours(replaceOnce(forged, cert, "<ds:X509Certificate>" + ehagent::base64Encode(leaf_->cert.der()) +
                                               "</ds:X509Certificate>")),
            "signature_invalid");
}

TEST_F(XmlDsigAttack, ExtraSignatureChildrenAreRefused) {
  const std::string original = sign(kDoc, *leaf_);
  EXPECT_NE(ours(replaceOnce(original, "</ds:Signature>", "<ds:Object Id=\"o\">x</ds:Object></ds:Signature>")), "ok");
  EXPECT_NE(ours(replaceOnce(original, "</ds:SignedInfo>", "<ds:Manifest/></ds:SignedInfo>")), "ok");
  // Two Signatures on the root: which one counts must not be the attacker's choice.
  const std::string signature = slice(original, "<ds:Signature", "</ds:Signature>");
  EXPECT_NE(ours(replaceOnce(original, "</doc>", signature + "</doc>")), "ok");
}

}  // namespace
}  // namespace ehagent::security
