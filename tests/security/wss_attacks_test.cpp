// WS-Security envelopes (tokens::wss::verifyEnvelope, which the sandbox STS and hub run on what
// they receive): partial signatures, IDs on look-alike elements, misplaced or doubled headers,
// unsigned tokens and stale or overlong Timestamps.
#include <gtest/gtest.h>

#include "attack_util.hpp"
#include "tests/tokens/test_keys.hpp"
#include "core/base64.hpp"
#include "tokens/xml/wssecurity.hpp"

namespace ehagent::security {
namespace {

using tokens::testing::TempDir;
using tokens::testing::TestKey;
namespace wss = tokens::wss;
namespace xml = tokens::xml;
namespace xmldsig = tokens::xmldsig;
using Clock = std::chrono::system_clock;

constexpr const char* kBody = "<m:Transfer xmlns:m=\"urn:test:m\"><m:Amount>10</m:Amount></m:Transfer>";

class WssAttack : public ::testing::Test {
 protected:
  void SetUp() override {
    ca_ = std::make_unique<TestKey>(tokens::testing::makeKey(dir_, "ca", "ec:P-256"));
    leaf_ = std::make_unique<TestKey>(tokens::testing::makeKey(dir_, "leaf", "ec:P-256", ca_.get()));
  }

  // The STS request shape, written out here so that each test picks what the signature covers.
  // `header_extra` goes into the Header after wsse:Security, `body_attrs` onto soapenv:Body.
  std::string envelope(const std::vector<std::string>& signed_ids, const std::string& body_attrs = " wsu:Id=\"B\"",
                       const std::string& security_extra = "", Clock::time_point created = Clock::now(),
                       std::chrono::seconds ttl = std::chrono::seconds(60)) {
    const std::string text =
        "<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\" xmlns:wsu=\"" +
        std::string(xml::kWsuNs) + "\"><soapenv:Header><wsse:Security xmlns:wsse=\"" + std::string(xmldsig::kWsseNs) +
        "\"><wsu:Timestamp wsu:Id=\"TS\"><wsu:Created>" + ehagent::formatDateTime(created) + "</wsu:Created><wsu:Expires>" +
        ehagent::formatDateTime(created + ttl) + "</wsu:Expires></wsu:Timestamp><wsse:BinarySecurityToken EncodingType=\"" +
        std::string(wss::kBase64Binary) + "\" ValueType=\"" + std::string(xmldsig::kX509v3) + "\" wsu:Id=\"X509\">" +
        ehagent::base64Encode(leaf_->cert.der()) + "</wsse:BinarySecurityToken>" + security_extra +
        "</wsse:Security></soapenv:Header><soapenv:Body" + body_attrs + ">" + kBody + "</soapenv:Body></soapenv:Envelope>";
    xml::Document doc = xml::Document::parse(text);
    const auto security = *doc.root().child(wss::kSoap11Ns, "Header")->child(xmldsig::kWsseNs, "Security");
    xmldsig::SignOptions options;
    options.reference_ids = signed_ids;
    options.key_info = xmldsig::KeyInfoBstReference{"X509"};
    xmldsig::sign(doc, security, options, *leaf_->signer);
    return doc.serialize(false);
  }

  std::string ours(const std::string& text, std::optional<Clock::time_point> now = std::nullopt) {
    return verdict([&] {
      wss::VerifyEnvelopeOptions options;
      options.signature.trusted = {ca_->cert};
      options.now = now;
      wss::verifyEnvelope(text, options);
    });
  }

  TempDir dir_;
  std::unique_ptr<TestKey> ca_, leaf_;
};

TEST_F(WssAttack, BaselineEnvelopeVerifies) { EXPECT_EQ(ours(envelope({"B", "TS", "X509"})), "ok"); }

TEST_F(WssAttack, SignatureOverTimestampButNotBodyIsRefused) {
  EXPECT_EQ(ours(envelope({"TS", "X509"})), "signature_invalid");
}

TEST_F(WssAttack, SignatureOverBodyButNotTimestampIsRefused) {
  EXPECT_EQ(ours(envelope({"B", "X509"})), "signature_invalid");
}

TEST_F(WssAttack, UnsignedBinarySecurityTokenIsRefused) {
  EXPECT_EQ(ours(envelope({"B", "TS"})), "signature_invalid");
}

TEST_F(WssAttack, SignedLookAlikeBodyInAnotherNamespaceIsRefused) {
  // The signature covers an element named Body in another namespace that carries the ID; the
  // real soap:Body has no ID and is not signed.
  const std::string look_alike = "<evil:Body xmlns:evil=\"urn:evil\" wsu:Id=\"B\"><m:Transfer xmlns:m=\"urn:test:m\">"
                                 "<m:Amount>10</m:Amount></m:Transfer></evil:Body>";
  std::string forged = envelope({"B", "TS", "X509"}, "", look_alike);
  forged = replaceOnce(forged, "<soapenv:Body><m:Transfer xmlns:m=\"urn:test:m\"><m:Amount>10<",
                       "<soapenv:Body><m:Transfer xmlns:m=\"urn:test:m\"><m:Amount>9999<");
  EXPECT_EQ(ours(forged), "signature_invalid");
}

TEST_F(WssAttack, SignatureOutsideTheSecurityHeaderIsRefused) {
  const std::string signed_text = envelope({"B", "TS", "X509"});
  const std::string signature = slice(signed_text, "<ds:Signature", "</ds:Signature>");
  const std::string moved = replaceOnce(replaceOnce(signed_text, signature, ""), "</soapenv:Header>",
                                        signature + "</soapenv:Header>");
  EXPECT_EQ(ours(moved), "invalid_input");
}

TEST_F(WssAttack, DoubledHeadersAreRefused) {
  const std::string signed_text = envelope({"B", "TS", "X509"});
  const std::string security = slice(signed_text, "<wsse:Security", "</wsse:Security>");
  // A second Security header (a copy): which one is verified must not be ambiguous.
  EXPECT_EQ(ours(replaceOnce(signed_text, "</soapenv:Header>", security + "</soapenv:Header>")), "invalid_input");
  // A second, unsigned Timestamp without an ID, after the signed one.
  EXPECT_EQ(ours(replaceOnce(signed_text, "</wsu:Timestamp>",
                             "</wsu:Timestamp><wsu:Timestamp><wsu:Created>2000-01-01T00:00:00Z</wsu:Created>"
                             "<wsu:Expires>2999-01-01T00:00:00Z</wsu:Expires></wsu:Timestamp>")),
            "invalid_input");
  // A second Body.
  EXPECT_EQ(ours(replaceOnce(signed_text, "</soapenv:Envelope>", "<soapenv:Body>" + std::string(kBody) +
                                                                     "</soapenv:Body></soapenv:Envelope>")),
            "invalid_input");
}

TEST_F(WssAttack, StaleAndFutureTimestampsAreRefused) {
  EXPECT_EQ(ours(envelope({"B", "TS", "X509"}, " wsu:Id=\"B\"", "", Clock::now() - std::chrono::hours(1))),
            "timestamp_expired");
  EXPECT_EQ(ours(envelope({"B", "TS", "X509"}, " wsu:Id=\"B\"", "", Clock::now() + std::chrono::hours(1))),
            "timestamp_expired");
}

TEST_F(WssAttack, OverlongTimestampDoesNotOpenAReplayWindow) {
  // A message whose Timestamp says "valid for ten years", replayed five years later. The signer
  // chose the TTL, but a verifier that takes it at face value accepts a captured message forever.
  const auto created = Clock::now() - std::chrono::hours(24 * 365 * 5);
  const std::string old = envelope({"B", "TS", "X509"}, " wsu:Id=\"B\"", "", created, std::chrono::hours(24 * 3650));
  const std::string v = verdict([&] {
    wss::VerifyEnvelopeOptions options;
    options.signature.certificate = leaf_->cert;  // the key is known (holder-of-key): no chain expiry in play
    wss::verifyEnvelope(old, options);
  });
  EXPECT_EQ(v, "timestamp_expired");
  // A long claimed life is refused even while the message is fresh.
  const std::string fresh = envelope({"B", "TS", "X509"}, " wsu:Id=\"B\"", "", Clock::now(), std::chrono::hours(1));
  EXPECT_EQ(verdict([&] {
              wss::VerifyEnvelopeOptions options;
              options.signature.certificate = leaf_->cert;
              wss::verifyEnvelope(fresh, options);
            }),
            "timestamp_expired");
}

TEST_F(WssAttack, KeyInfoPointingAtSomethingElseIsRefused) {
  const std::string signed_text = envelope({"B", "TS", "X509"});
  const std::string key_info = slice(signed_text, "<ds:KeyInfo", "</ds:KeyInfo>");
  const auto pointing = [&](const std::string& uri) {
    return replaceOnce(signed_text, key_info, replaceOnce(key_info, "URI=\"#X509\"", "URI=\"" + uri + "\""));
  };
  // The SecurityTokenReference names the Body instead of the BST.
  EXPECT_EQ(ours(pointing("#B")), "signature_invalid");
  // An external token.
  EXPECT_EQ(ours(pointing("http://127.0.0.1:9/cert.der")), "signature_invalid");
}

}  // namespace
}  // namespace ehagent::security
