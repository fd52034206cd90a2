#include <libxml/tree.h>

#include <algorithm>

#include "tokens/sign/crypto.hpp"
#include "core/base64.hpp"
#include "tokens/error.hpp"
#include "certs/trust_store.hpp"
#include "tokens/xml/internal.hpp"
#include "tokens/xml/xmldsig.hpp"

namespace ehagent::tokens::xmldsig {

namespace {
[[noreturn]] void invalid(const std::string& why) { throw Error("signature_invalid", why); }

xml::Element one(xml::Element parent, std::string_view ns, std::string_view name) {
  const auto found = parent.childrenNamed(ns, name);
  if (found.size() != 1) invalid("expected exactly one " + std::string(name) + " in " + std::string(parent.localName()));
  return found.front();
}

std::string algorithmOf(xml::Element e) {
  auto alg = e.attribute("Algorithm");
  if (!alg) invalid(std::string(e.localName()) + " has no Algorithm");
  return *alg;
}

// The PrefixList of an exc-c14n Transform or CanonicalizationMethod, if it has one.
std::vector<std::string> prefixesOf(xml::Element method) {
  std::vector<std::string> prefixes;
  for (const xml::Element& c : method.children()) {
    if (!c.is(kExcC14n, "InclusiveNamespaces")) invalid("unexpected element inside " + std::string(method.localName()));
    auto list = xml::splitPrefixList(c.attribute("PrefixList").value_or(""));
    prefixes.insert(prefixes.end(), list.begin(), list.end());
  }
  return prefixes;
}

bool contains(xml::Element ancestor, xml::Element node) {
  for (std::optional<xml::Element> n = node; n; n = n->parent())
    if (*n == ancestor) return true;
  return false;
}

// Checks one Reference and returns the element it covers.
xml::Element checkReference(const xml::Document& doc, xml::Element signature, xml::Element ref) {
  const std::string uri = ref.attribute("URI").value_or("");
  if (uri.size() < 2 || uri[0] != '#') invalid("only same-document references by ID are accepted, got '" + uri + "'");
  const auto target = xml::findById(doc, std::string_view(uri).substr(1));
  if (!target) invalid("reference " + uri + " resolves to no element");
  if (contains(signature, *target)) invalid("reference " + uri + " points inside the signature");

  bool enveloped = false;
  std::optional<std::vector<std::string>> c14n_prefixes;
  const auto children = ref.children();
  std::size_t i = 0;
  if (i < children.size() && children[i].is(kDsigNs, "Transforms")) {
    const auto transforms = children[i++].children();
    for (std::size_t t = 0; t < transforms.size(); ++t) {
      if (!transforms[t].is(kDsigNs, "Transform")) invalid("unexpected element in Transforms");
      const std::string alg = algorithmOf(transforms[t]);
      if (alg == kEnvelopedSignature && t == 0 && !enveloped && transforms.size() > 1) {
        enveloped = true;
      } else if (alg == kExcC14n && t + 1 == transforms.size()) {
        c14n_prefixes = prefixesOf(transforms[t]);
      } else {
        invalid("transform not allowed here: " + alg);
      }
    }
  }
  if (!c14n_prefixes) invalid("reference " + uri + " lacks the exclusive c14n transform");
  if (enveloped != contains(*target, signature))
    invalid("enveloped-signature transform does not match where the signature sits");
  if (i + 2 != children.size() || !children[i].is(kDsigNs, "DigestMethod") || !children[i + 1].is(kDsigNs, "DigestValue"))
    invalid("reference " + uri + " is not Transforms, DigestMethod, DigestValue");
  if (algorithmOf(children[i]) != kSha256) throw Error("unsupported_algorithm", "digest must be SHA-256");

  const std::string octets = xml::excC14nExcluding(*target, enveloped ? signature.native() : nullptr, *c14n_prefixes);
  std::vector<std::uint8_t> expected;
  try {
    expected = base64Decode(children[i + 1].text());
  } catch (const Error&) {
    invalid("DigestValue is not base64");
  }
  if (sha256(asBytes(octets)) != expected) invalid("digest mismatch for reference " + uri);
  return *target;
}

certs::Certificate certificateFromBase64(const std::string& text) {
  try {
    return certs::Certificate::fromDer(base64Decode(text));
  } catch (const std::exception&) {
    invalid("KeyInfo does not hold a valid certificate");
  }
}

certs::Certificate keyInfoCertificate(const xml::Document& doc, xml::Element signature) {
  const auto key_infos = signature.childrenNamed(kDsigNs, "KeyInfo");
  if (key_infos.size() != 1) invalid("no KeyInfo and no certificate given");
  const xml::Element key = key_infos.front();
  if (auto data = key.child(kDsigNs, "X509Data")) return certificateFromBase64(one(*data, kDsigNs, "X509Certificate").text());
  const xml::Element str = one(key, kWsseNs, "SecurityTokenReference");
  if (auto ref = str.child(kWsseNs, "Reference")) {
    const std::string uri = ref->attribute("URI").value_or("");
    if (uri.size() < 2 || uri[0] != '#') invalid("SecurityTokenReference URI must be '#id'");
    const auto bst = xml::findById(doc, std::string_view(uri).substr(1));
    if (!bst || !bst->is(kWsseNs, "BinarySecurityToken") || bst->attribute("ValueType").value_or("") != kX509v3)
      invalid("SecurityTokenReference does not point to an X509v3 BinarySecurityToken");
    return certificateFromBase64(bst->text());
  }
  if (auto ki = str.child(kWsseNs, "KeyIdentifier")) {
    if (ki->attribute("ValueType").value_or("") != kSamlAssertionIdType) invalid("unsupported KeyIdentifier type");
    const auto assertion = xml::findById(doc, ki->text());
    if (!assertion || !assertion->is(kSaml1Ns, "Assertion")) invalid("KeyIdentifier names no SAML assertion");
    // Holder-of-key: the key is the one in the assertion's SubjectConfirmation. The assertion
    // itself must be verified separately (verifyEnveloped) before this certificate is believed.
    for (const auto& statement : assertion->children())
      if (auto subject = statement.child(kSaml1Ns, "Subject"))
        if (auto conf = subject->child(kSaml1Ns, "SubjectConfirmation"))
          if (auto conf_key = conf->child(kDsigNs, "KeyInfo"))
            if (auto data = conf_key->child(kDsigNs, "X509Data"))
              return certificateFromBase64(one(*data, kDsigNs, "X509Certificate").text());
    invalid("the SAML assertion carries no holder-of-key certificate");
  }
  invalid("unsupported SecurityTokenReference");
}
}  // namespace

bool Verified::covers(xml::Element element) const {
  return std::find(references.begin(), references.end(), element) != references.end();
}

Verified verify(const xml::Document& doc, xml::Element signature, const VerifyOptions& options) {
  if (!signature.is(kDsigNs, "Signature")) invalid("not a ds:Signature element");
  xml::requireUniqueIds(doc);
  const auto parts = signature.children();
  if (parts.size() < 2 || !parts[0].is(kDsigNs, "SignedInfo") || !parts[1].is(kDsigNs, "SignatureValue") ||
      (parts.size() > 2 && !parts[2].is(kDsigNs, "KeyInfo")) || parts.size() > 3)
    invalid("ds:Signature must be SignedInfo, SignatureValue and an optional KeyInfo");
  const xml::Element signed_info = parts[0];
  const auto si = signed_info.children();
  if (si.size() < 3 || !si[0].is(kDsigNs, "CanonicalizationMethod") || !si[1].is(kDsigNs, "SignatureMethod"))
    invalid("SignedInfo must start with CanonicalizationMethod and SignatureMethod");
  if (algorithmOf(si[0]) != kExcC14n) throw Error("unsupported_algorithm", "SignedInfo must use exclusive c14n");
  const std::vector<std::string> si_prefixes = prefixesOf(si[0]);
  const SignatureAlgorithm alg = algorithmFromXmldsigUri(algorithmOf(si[1]));
  if (!si[1].children().empty()) invalid("SignatureMethod parameters are not accepted");

  std::vector<xml::Element> covered;
  for (std::size_t i = 2; i < si.size(); ++i) {
    if (!si[i].is(kDsigNs, "Reference")) invalid("unexpected element in SignedInfo");
    const xml::Element target = checkReference(doc, signature, si[i]);
    if (std::find(covered.begin(), covered.end(), target) != covered.end()) invalid("two references to one element");
    covered.push_back(target);
  }

  const certs::Certificate cert = options.certificate ? *options.certificate : keyInfoCertificate(doc, signature);
  std::vector<std::uint8_t> value;
  try {
    value = base64Decode(parts[1].text());
  } catch (const Error&) {
    invalid("SignatureValue is not base64");
  }
  if (!verifySignature(cert, asBytes(xml::excC14n(signed_info, si_prefixes)), value, alg))
    invalid("the signature value does not verify with the signer's key");
  if (!options.trusted.empty()) certs::TrustStore(options.trusted).requirePinned(cert, "signature_untrusted");
  return Verified{cert, alg, std::move(covered)};
}

Verified verifyEnveloped(const xml::Document& doc, xml::Element signed_element, const VerifyOptions& options) {
  const xml::Element signature = one(signed_element, kDsigNs, "Signature");
  Verified verified = verify(doc, signature, options);
  if (verified.references.size() != 1 || !(verified.references.front() == signed_element))
    invalid("the signature does not cover exactly the signed element");
  return verified;
}

}  // namespace ehagent::tokens::xmldsig
