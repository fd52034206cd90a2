#pragma once
// A small PKI for the SAML and hub attacks, made with the openssl CLI in a per-fixture temp dir:
// an STS CA and the STS signing key, an eHealth CA with Alice's and Bob's eHealth keys, and an
// attacker with a self-signed key. Assertions are the sandbox STS's own shape.
#include <gtest/gtest.h>

#include <chrono>

#include "sandbox/sts_assertion.hpp"
#include "tests/tokens/test_keys.hpp"
#include "tokens/sts/protocol.hpp"
#include "tokens/xml/document.hpp"
#include "tokens/xml/xmldsig.hpp"

namespace ehagent::security {

inline constexpr const char* kAliceSsin = "78031215280";
inline constexpr const char* kAliceNihii = "10012378004";
inline constexpr const char* kBobSsin = "82110523358";
inline constexpr const char* kSsinAttribute = "urn:be:fgov:person:ssin";
inline constexpr const char* kDoctorBoolean = "urn:be:fgov:person:ssin:ehealth:1.0:doctor:boolean";
inline constexpr const char* kDoctorNihii = "urn:be:fgov:person:ssin:ehealth:1.0:doctor:nihii11";

class PkiFixture : public ::testing::Test {
 protected:
  using TestKey = tokens::testing::TestKey;
  using Clock = std::chrono::system_clock;

  void SetUp() override {
    using tokens::testing::makeKey;
    sts_ca_ = std::make_unique<TestKey>(makeKey(dir_, "sts-ca", "ec:P-256"));
    sts_ = std::make_unique<TestKey>(makeKey(dir_, "sts", "ec:P-256", sts_ca_.get()));
    other_service_ = std::make_unique<TestKey>(makeKey(dir_, "other-service", "ec:P-256", sts_ca_.get()));
    ehealth_ca_ = std::make_unique<TestKey>(makeKey(dir_, "ehealth-ca", "ec:P-256"));
    alice_ = std::make_unique<TestKey>(makeKey(dir_, "alice-ehealth", "ec:P-256", ehealth_ca_.get()));
    bob_ = std::make_unique<TestKey>(makeKey(dir_, "bob-ehealth", "ec:P-256", ehealth_ca_.get()));
    attacker_ = std::make_unique<TestKey>(makeKey(dir_, "attacker", "ec:P-256"));
  }

  static std::vector<sandbox::AssertionContent::Attribute> doctorAttributes(const std::string& ssin) {
    const std::string ident(tokens::sts::kIdentificationNamespace), certified(tokens::sts::kCertifiedNamespace);
    return {{std::string(tokens::sts::kHolderSsinAttribute), ident, ssin},
            {kSsinAttribute, ident, ssin},
            {kDoctorBoolean, certified, "true"},
            {kDoctorNihii, certified, kAliceNihii}};
  }

  // An assertion about `ssin`, bound to `holder`, signed by `signer`, valid from a minute ago.
  std::string assertion(const TestKey& holder, TestKey& signer, const std::string& ssin = kAliceSsin,
                        std::chrono::seconds lifetime = std::chrono::hours(1)) {
    sandbox::AssertionContent content{holder.cert, Clock::now() - std::chrono::minutes(1), {}, doctorAttributes(ssin)};
    content.not_on_or_after = content.not_before + lifetime;
    return sandbox::buildSignedAssertion(content, *signer.signer);
  }

  // Re-signs an assertion after an edit, with `signer`, as a corrupt or compromised STS would.
  static std::string resign(const std::string& signed_assertion, TestKey& signer) {
    const auto begin = signed_assertion.find("<ds:Signature");
    const auto end = signed_assertion.find("</ds:Signature>");
    std::string bare = signed_assertion;
    bare.erase(begin, end + 15 - begin);
    tokens::xml::Document doc = tokens::xml::Document::parse(bare);
    tokens::xmldsig::SignOptions options;
    options.reference_ids = {*doc.root().attribute("AssertionID")};
    tokens::xmldsig::sign(doc, doc.root(), options, *signer.signer);
    return doc.serialize(false);
  }

  tokens::testing::TempDir dir_;
  std::unique_ptr<TestKey> sts_ca_, sts_, other_service_, ehealth_ca_, alice_, bob_, attacker_;
};

}  // namespace ehagent::security
