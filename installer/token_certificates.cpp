#include "installer/token_certificates.hpp"

#include <exception>

#include "pkcs11/module.hpp"
#include "pkcs11/session.hpp"

namespace ehagent::installer {
namespace {

constexpr unsigned long cka_label = 0x03;  // CKA_LABEL, kept here to keep pkcs11.h out
constexpr unsigned long cka_value = 0x11;  // CKA_VALUE

}  // namespace

std::vector<TokenCertificate> listTokenCertificates(const std::vector<std::string>& modules) {
  std::vector<TokenCertificate> out;
  for (const auto& path : modules) {
    try {
      auto module = pkcs11::Module::load(path);
      for (const auto& slot : module->slots(true)) {
        const auto info = module->tokenInfo(slot.id);
        if (!info.tokenInitialized) continue;
        pkcs11::Session session(module, slot.id);
        std::vector<TokenCertificate> onToken;
        std::vector<certs::Certificate> all;
        for (auto handle : session.find(pkcs11::ObjectClass::Certificate)) {
          const auto der = session.attribute(handle, cka_value);
          if (!der) continue;
          try {
            auto cert = certs::Certificate::fromDer(*der);
            all.push_back(cert);
            onToken.push_back({path, info.label, session.textAttribute(handle, cka_label).value_or(""),
                               cert, {}});
          } catch (const std::exception&) {
            continue;  // a certificate object we cannot parse is not ours to judge here
          }
        }
        for (auto& t : onToken) {
          t.tokenCertificates = all;
          out.push_back(std::move(t));
        }
      }
    } catch (const std::exception&) {
      continue;
    }
  }
  return out;
}

std::vector<TokenSummary> listTokens(const std::vector<std::string>& modules) {
  std::vector<TokenSummary> out;
  for (const auto& path : modules) {
    try {
      auto module = pkcs11::Module::load(path);
      for (const auto& slot : module->slots(true)) {
        const auto info = module->tokenInfo(slot.id);
        if (info.tokenInitialized) out.push_back({path, info.label, ""});
      }
    } catch (const std::exception& e) {
      out.push_back({path, "", e.what()});
    }
  }
  return out;
}

}  // namespace ehagent::installer
