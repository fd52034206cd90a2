#include "installer/keystore_import.hpp"

#include <functional>
#include <memory>
#include <vector>

#include "certs/error.hpp"
#include "certs/expiry.hpp"
#include "certs/pkcs12.hpp"
#include "certs/profile.hpp"
#include "pkcs11/error.hpp"
#include "pkcs11/module.hpp"
#include "pkcs11/objects.hpp"
#include "pkcs11/session.hpp"
#include "pkcs11/uri.hpp"

namespace ehagent::installer {
namespace {

using pkcs11::Bytes;

// CKA_EC_POINT holds the point inside a DER OCTET STRING; curves up to P-521 fit in one length
// byte form (<= 133 bytes needs the 0x81 form above 127).
Bytes derOctetString(const Bytes& raw) {
  Bytes out{0x04};
  if (raw.size() < 0x80) {
    out.push_back(static_cast<std::uint8_t>(raw.size()));
  } else {
    out.push_back(0x81);
    out.push_back(static_cast<std::uint8_t>(raw.size()));
  }
  out.insert(out.end(), raw.begin(), raw.end());
  return out;
}

struct Target {
  std::shared_ptr<pkcs11::Module> module;
  pkcs11::SlotId slot = 0;
  std::string label;
  bool created = false;
};

// `selector` is a label or a PKCS#11 URI (pkcs11:token=...); the token's own label comes back.
std::optional<std::pair<pkcs11::SlotId, std::string>> findToken(pkcs11::Module& module, const std::string& selector) {
  for (const auto& slot : module.slots(true)) {
    const auto info = module.tokenInfo(slot.id);
    if (info.tokenInitialized && pkcs11::tokenSelected(selector, info)) return std::pair{slot.id, info.label};
  }
  return std::nullopt;
}

Target openTarget(const ImportRequest& request, const std::string& ssin, const Secret& userPin,
                  const Secret* soPin) {
  Target t;
  t.module = pkcs11::Module::load(request.modulePath);
  t.label = request.tokenLabel.value_or(defaultTokenLabel(ssin));
  if (auto found = findToken(*t.module, t.label)) {
    t.slot = found->first;
    t.label = found->second;
    return t;
  }
  if (request.tokenLabel) {
    throw ImportError("token_not_found", (pkcs11::isUri(t.label) ? "no token matches " + t.label
                                                                  : "no token labelled \"" + t.label + "\"") +
                                             " in " + request.modulePath);
  }
  if (soPin == nullptr) {
    throw ImportError("token_not_found", "no token labelled \"" + t.label +
                                             "\", and no security officer PIN to create one");
  }
  for (const auto& slot : t.module->slots(true)) {
    if (t.module->tokenInfo(slot.id).tokenInitialized) continue;
    t.module->initToken(slot.id, *soPin, t.label);
    // SoftHSM moves a freshly initialised token to a new slot id: look it up by label again.
    auto found = findToken(*t.module, t.label);
    if (!found) throw ImportError("token_error", "the new token \"" + t.label + "\" did not appear");
    const pkcs11::SlotId created = found->first;
    pkcs11::Session so(t.module, created, true);
    so.loginSecurityOfficer(*soPin);
    so.initPin(userPin);
    so.logout();
    t.slot = created;
    t.created = true;
    return t;
  }
  throw ImportError("no_free_slot", "the module has no free slot to create the token \"" + t.label + "\"");
}

void writeObjects(pkcs11::Session& session, const certs::Pkcs12& p12) {
  const auto& cert = p12.certificate();
  const Bytes id = cert.publicKeySha1();
  pkcs11::KeyAttributes attrs;
  attrs.label = certs::Pkcs12::authentication_alias;
  attrs.id = id;
  std::vector<pkcs11::ObjectHandle> created;
  try {
    const auto key = p12.privateKey();
    pkcs11::KeyPair pair;
    if (key.type == certs::PrivateKeyComponents::Type::Rsa) {
      pair = pkcs11::importRsaKey(session, {key.modulus, key.publicExponent, key.privateExponent,
                                            key.prime1, key.prime2, key.exponent1, key.exponent2,
                                            key.coefficient},
                                  attrs);
    } else {
      pair = pkcs11::importEcKey(session, {key.ecParams, key.ecPrivateValue, derOctetString(key.ecPoint)},
                                 attrs);
    }
    created.push_back(pair.privateKey);
    created.push_back(pair.publicKey);
    created.push_back(pkcs11::importCertificate(session, cert.der(), attrs.label, id, cert.subjectDer(),
                                                cert.issuerDer(), cert.serialDer()));
    for (const auto& ca : p12.chain()) {
      const Bytes caId = ca.publicKeySha1();
      if (!session.find(pkcs11::ObjectClass::Certificate, std::nullopt, caId).empty()) continue;
      const auto cn = ca.subjectAttribute("CN");
      created.push_back(pkcs11::importCertificate(session, ca.der(), cn.empty() ? "CA" : cn.front(), caId,
                                                  ca.subjectDer(), ca.issuerDer(), ca.serialDer()));
    }
  } catch (...) {
    for (auto it = created.rbegin(); it != created.rend(); ++it) {
      try {
        session.destroy(*it);
      } catch (...) {  // best effort: the first error is the one to report
      }
    }
    throw;
  }
}

}  // namespace

std::string defaultTokenLabel(const std::string& ssin) { return "eHealth " + ssin; }

namespace {

// certs/ and pkcs11/ errors become ImportError with their stable code.
template <typename Work>
auto translated(Work work) {
  try {
    return work();
  } catch (const certs::Error& e) {
    throw ImportError(e.code(), e.what());
  } catch (const pkcs11::Error& e) {
    if (e.kind() == pkcs11::ErrorKind::PinIncorrect) throw ImportError("pin_incorrect", e.what());
    if (e.kind() == pkcs11::ErrorKind::ModuleLoad) throw ImportError("module_load", e.what());
    throw ImportError("token_error", e.what());
  }
}

}  // namespace

CheckedKeystore checkKeystore(const ImportRequest& request, const Secret& password) {
  return translated([&] {
    auto p12 = certs::Pkcs12::load(request.keystore, password);
    const auto& cert = p12.certificate();
    if (!p12.keyMatchesCertificate()) {
      throw ImportError("key_mismatch", "the keystore's key does not belong to its certificate");
    }
    request.trust.verify(cert, p12.chain(), request.now, certs::Purpose::Authentication);
    const auto expiry = certs::expiryAt(cert, request.now);
    const auto profile = certs::readEhealthProfile(cert);
    if (!profile.ssin) {
      throw ImportError("certificate_invalid", "the certificate names no SSIN: " + cert.subject());
    }
    return CheckedKeystore{std::move(p12), *profile.ssin, certs::toString(expiry.state)};
  });
}

ImportResult writeKeystore(const ImportRequest& request, const CheckedKeystore& keystore, const Secret& userPin,
                           const Secret* soPin) {
  return translated([&] {
    const auto& cert = keystore.p12.certificate();
    Target target = openTarget(request, keystore.ssin, userPin, soPin);
    pkcs11::Session session(target.module, target.slot, true);
    session.login(userPin);
    const Bytes id = cert.publicKeySha1();
    if (!session.find(pkcs11::ObjectClass::Certificate, std::nullopt, id).empty() ||
        !session.find(pkcs11::ObjectClass::PrivateKey, std::nullopt, id).empty()) {
      throw ImportError("already_imported", "this certificate is already on the token \"" +
                                                target.label + "\": " + cert.subject());
    }
    writeObjects(session, keystore.p12);
    session.logout();
    return ImportResult{target.label, target.created, cert, keystore.p12.chain().size(), keystore.expiryState};
  });
}

}  // namespace ehagent::installer
