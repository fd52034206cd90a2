#pragma once
// The certificates visible without a PIN on every token of some modules.
#include <string>
#include <vector>

#include "certs/certificate.hpp"

namespace ehagent::installer {

struct TokenCertificate {
  std::string module;
  std::string tokenLabel;
  std::string objectLabel;
  certs::Certificate certificate;
  std::vector<certs::Certificate> tokenCertificates;  // every certificate on the same token
};

struct TokenSummary {
  std::string module;
  std::string tokenLabel;
  std::string error;  // non-empty when the module or token could not be read
};

// Modules that fail to load are skipped; listTokens reports them.
std::vector<TokenCertificate> listTokenCertificates(const std::vector<std::string>& modules);
std::vector<TokenSummary> listTokens(const std::vector<std::string>& modules);

}  // namespace ehagent::installer
