#pragma once
// The SAML 1.1 assertion the sandbox STS issues: the real shape (Issuer, Conditions,
// AuthenticationStatement X509-PKI with holder-of-key on the eHealth certificate,
// AttributeStatement), enveloped-signed by the STS key.
#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "certs/certificate.hpp"
#include "tokens/sign/signer.hpp"

namespace ehagent::sandbox {

struct AssertionContent {
  certs::Certificate holder;  // the UseKey (eHealth) certificate
  std::chrono::system_clock::time_point not_before;
  std::chrono::system_clock::time_point not_on_or_after;
  // AttributeName, AttributeNamespace, value
  struct Attribute {
    std::string name;
    std::string attribute_namespace;
    std::string value;
  };
  std::vector<Attribute> attributes;
};

// The signed assertion, standalone, without an XML declaration.
std::string buildSignedAssertion(const AssertionContent& content, tokens::Signer& sts_signer);

}  // namespace ehagent::sandbox
