#pragma once
// Removing one imported eHealth certificate from a PKCS#11 token: its private and public key
// (same CKA_ID), the certificate object, and the CA certificates of its chain that no other
// certificate on the token still needs. Finding it needs no PIN; removing it does. eID cards are
// never written to.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "certs/certificate.hpp"
#include "installer/refusal.hpp"
#include "core/secret.hpp"
#include "pkcs11/types.hpp"

namespace ehagent::pkcs11 {
class Module;
}

namespace ehagent::installer {

// A refusal with a stable code: certificate_not_found, ambiguous_selector, eid_card,
// key_unidentified, pin_incorrect, module_load, token_error.
using RemoveError = Refusal;

struct RemovalPlan {
  std::shared_ptr<pkcs11::Module> module;
  pkcs11::SlotId slot = 0;
  std::string tokenLabel;
  std::string objectLabel;
  certs::Certificate certificate;
  pkcs11::Bytes keyId;                         // CKA_ID shared by the certificate and its keys
  std::vector<certs::Certificate> chainToRemove;  // CA certificates no other certificate needs
};

// selector: the certificate's object label, its serial number (hex, as `certs list` shows it,
// colons allowed) or its SHA-256 fingerprint. Only end-entity certificates are candidates; a
// selector must match exactly one across the modules (narrowed to one token by tokenLabel).
// Throws RemoveError.
RemovalPlan planRemoval(const std::vector<std::string>& modules, const std::string& selector,
                        const std::optional<std::string>& tokenLabel);

struct RemovalResult {
  std::size_t keysRemoved = 0;
  std::size_t caCertificatesRemoved = 0;
};

// Logs in with userPin and destroys the keys, then the certificate, then the chain. A wrong PIN
// fails before anything is destroyed. Throws RemoveError.
RemovalResult removeCertificate(const RemovalPlan& plan, const Secret& userPin);

}  // namespace ehagent::installer
