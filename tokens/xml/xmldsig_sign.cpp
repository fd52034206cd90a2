#include <libxml/tree.h>

#include <string>

#include "tokens/sign/crypto.hpp"
#include "core/base64.hpp"
#include "tokens/error.hpp"
#include "tokens/xml/internal.hpp"
#include "tokens/xml/xmldsig.hpp"

namespace ehagent::tokens::xmldsig {

namespace {
const xmlChar* X(std::string_view s) { return reinterpret_cast<const xmlChar*>(s.data()); }

// All strings passed here are NUL-terminated: literals or std::string.
xmlNode* add(xmlNode* parent, xmlNs* ns, const char* name, const std::string& text = {}) {
  xmlNode* node = xmlNewTextChild(parent, ns, X(name), text.empty() ? nullptr : X(text));
  if (node == nullptr) throw Error("invalid_input", "out of memory building ds:Signature");
  return node;
}

void setAttr(xmlNode* node, const char* name, std::string_view value, xmlNs* ns = nullptr) {
  const std::string v(value);
  if ((ns ? xmlSetNsProp(node, ns, X(name), X(v)) : xmlSetProp(node, X(name), X(v))) == nullptr)
    throw Error("invalid_input", "out of memory building ds:Signature");
}

// Reuses an in-scope declaration of `href` so the output does not repeat it.
xmlNs* nsFor(xmlNode* node, std::string_view href, const char* prefix) {
  const std::string h(href);
  if (xmlNs* found = xmlSearchNsByHref(node->doc, node, X(h))) return found;
  xmlNs* ns = xmlNewNs(node, X(h), X(prefix));
  if (ns == nullptr) throw Error("invalid_input", "cannot declare namespace " + h);
  return ns;
}

// Whether `root` holds more than `limit` elements, counting no further than that.
bool largerThan(xmlNode* root, std::size_t limit) {
  std::size_t count = 0;
  xml::forEachElement(root, [&](xmlNode*, std::size_t) { return ++count <= limit; });
  return count > limit;
}

bool contains(const xmlNode* ancestor, const xmlNode* node) {
  for (; node != nullptr; node = node->parent)
    if (node == ancestor) return true;
  return false;
}

void addKeyInfo(xmlNode* sig, xmlNs* ds, const KeyInfo& key_info, const certs::Certificate& cert) {
  xmlNode* key = add(sig, ds, "KeyInfo");
  if (std::holds_alternative<KeyInfoX509>(key_info)) {
    add(add(key, ds, "X509Data"), ds, "X509Certificate", base64Encode(cert.der()));
    return;
  }
  xmlNode* str = add(key, nullptr, "SecurityTokenReference");
  xmlSetNs(str, nsFor(str, kWsseNs, "wsse"));
  xmlNs* wsse = str->ns;
  if (const auto* bst = std::get_if<KeyInfoBstReference>(&key_info)) {
    xmlNode* ref = add(str, wsse, "Reference");
    setAttr(ref, "URI", "#" + bst->bst_id);
    setAttr(ref, "ValueType", kX509v3);
    return;
  }
  const auto& saml = std::get<KeyInfoSamlAssertion>(key_info);
  setAttr(str, "TokenType", kSamlTokenType, nsFor(str, kWsse11Ns, "wsse11"));
  xmlNode* ki = add(str, wsse, "KeyIdentifier", saml.assertion_id);
  setAttr(ki, "ValueType", kSamlAssertionIdType);
}
}  // namespace

xml::Element sign(xml::Document& doc, xml::Element parent, const SignOptions& options, Signer& signer,
                  std::optional<xml::Element> before) {
  if (options.reference_ids.empty()) throw Error("invalid_input", "a signature needs at least one reference");
  const SignatureAlgorithm alg = options.algorithm.value_or(signer.defaultAlgorithm());
  std::vector<xml::Element> targets;
  for (const std::string& id : options.reference_ids) {
    auto target = xml::findById(doc, id);
    if (!target) throw Error("invalid_input", "no element carries the ID '" + id + "'");
    targets.push_back(*target);
  }

  xmlNode* sig = xmlNewDocNode(doc.native(), nullptr, X("Signature"), nullptr);
  if (sig == nullptr) throw Error("invalid_input", "out of memory building ds:Signature");
  xmlNode* placed = before ? xmlAddPrevSibling(before->native(), sig) : xmlAddChild(parent.native(), sig);
  if (placed == nullptr) {
    xmlFreeNode(sig);
    throw Error("invalid_input", "cannot place ds:Signature");
  }
  // adopted: the document owns the Signature from here on
  xmlNs* ds = xmlNewNs(sig, X(kDsigNs), X("ds"));
  xmlSetNs(sig, ds);
  if (options.signature_id) setAttr(sig, "Id", *options.signature_id);

  xmlNode* signed_info = add(sig, ds, "SignedInfo");
  setAttr(add(signed_info, ds, "CanonicalizationMethod"), "Algorithm", kExcC14n);
  setAttr(add(signed_info, ds, "SignatureMethod"), "Algorithm", xmldsigUri(alg));
  std::vector<xmlNode*> digest_values;
  for (const std::string& id : options.reference_ids) {
    xmlNode* ref = add(signed_info, ds, "Reference");
    setAttr(ref, "URI", "#" + id);
    xmlNode* transforms = add(ref, ds, "Transforms");
    const bool enveloped = contains(targets[digest_values.size()].native(), sig);
    if (enveloped) setAttr(add(transforms, ds, "Transform"), "Algorithm", kEnvelopedSignature);
    xmlNode* c14n = add(transforms, ds, "Transform");
    setAttr(c14n, "Algorithm", kExcC14n);
    if (!options.inclusive_prefixes.empty()) {
      std::string list;
      for (const std::string& p : options.inclusive_prefixes) list += (list.empty() ? "" : " ") + p;
      xmlNode* incl = add(c14n, nullptr, "InclusiveNamespaces");
      xmlSetNs(incl, xmlNewNs(incl, X(kExcC14n), X("ec")));
      setAttr(incl, "PrefixList", list);
    }
    setAttr(add(ref, ds, "DigestMethod"), "Algorithm", kSha256);
    digest_values.push_back(add(ref, ds, "DigestValue"));
  }

  for (std::size_t i = 0; i < targets.size(); ++i) {
    const bool enveloped = contains(targets[i].native(), sig);
    // A small part (Timestamp, BST) is copied out and canonicalised alone; a large one (the Body)
    // in place, where the walk of the whole document costs about what a copy of it would.
    const bool alone = !enveloped && options.inclusive_prefixes.empty() && !largerThan(targets[i].native(), 256);
    const std::string octets = alone ? xml::excC14nAlone(targets[i])
                                     : xml::excC14nExcluding(targets[i], enveloped ? sig : nullptr, options.inclusive_prefixes);
    const std::string digest = base64Encode(sha256(asBytes(octets)));
    xmlNodeSetContent(digest_values[i], X(digest));
  }

  const std::string signed_info_c14n = xml::excC14nAlone(xml::Element(signed_info));
  const std::vector<std::uint8_t> value = signer.sign(asBytes(signed_info_c14n), alg);
  add(sig, ds, "SignatureValue", base64Encode(value));
  addKeyInfo(sig, ds, options.key_info, signer.certificate());
  return xml::Element(sig);
}

}  // namespace ehagent::tokens::xmldsig
