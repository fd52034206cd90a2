#include "hubs/xml.hpp"

#include <libxml/xmlsave.h>

#include "tokens/error.hpp"
#include "hubs/types.hpp"

namespace ehagent::hubs::detail {
namespace {

const xmlChar* X(const std::string& s) { return reinterpret_cast<const xmlChar*>(s.c_str()); }
const xmlChar* X(const char* s) { return reinterpret_cast<const xmlChar*>(s); }

[[noreturn]] void outOfMemory() { throw tokens::Error("crypto_error", "libxml2 could not allocate a node"); }

}  // namespace

BodyBuilder::BodyBuilder(std::string_view rootName, Ns rootNs) : doc_(xmlNewDoc(X("1.0"))) {
  if (!doc_) outOfMemory();
  root_ = xmlNewDocNode(doc_.get(), nullptr, X(std::string(rootName)), nullptr);
  if (!root_) outOfMemory();
  xmlDocSetRootElement(doc_.get(), root_);  // adopted: the document owns the root now
  protocol_ = xmlNewNs(root_, X(ns::protocol), X("hub"));
  core_ = xmlNewNs(root_, X(ns::core), X("core"));
  kmehr_ = xmlNewNs(root_, X(ns::kmehr), X("kmehr"));
  if (!protocol_ || !core_ || !kmehr_) outOfMemory();
  xmlSetNs(root_, ns(rootNs));
}

xmlNs* BodyBuilder::ns(Ns which) const noexcept {
  return which == Ns::Protocol ? protocol_ : which == Ns::Core ? core_ : kmehr_;
}

xmlNode* BodyBuilder::add(xmlNode* parent, Ns ns, std::string_view name, std::string_view text) {
  // xmlNewTextChild escapes the text, unlike xmlNewChild.
  xmlNode* node = xmlNewTextChild(parent, this->ns(ns), X(std::string(name)),
                                  text.empty() ? nullptr : X(std::string(text)));
  if (!node) outOfMemory();
  return node;
}

void BodyBuilder::attr(xmlNode* node, std::string_view name, std::string_view value) {
  if (!xmlSetProp(node, X(std::string(name)), X(std::string(value)))) outOfMemory();
}

xmlNode* BodyBuilder::coded(xmlNode* parent, Ns ns, std::string_view element, std::string_view s,
                            std::string_view sv, std::string_view value) {
  xmlNode* node = add(parent, ns, element, value);
  attr(node, "S", s);
  if (!sv.empty()) attr(node, "SV", sv);
  return node;
}

void BodyBuilder::adoptCopy(xmlNode* parent, const xmlNode* node) {
  // Recursive copy into this document; namespaces are reconciled so the copy stays self-contained.
  xmlNode* copy = xmlDocCopyNode(const_cast<xmlNode*>(node), doc_.get(), 1);
  if (!copy) outOfMemory();
  if (!xmlAddChild(parent, copy)) {
    xmlFreeNode(copy);
    outOfMemory();
  }  // adopted: parent owns the copy now
  xmlReconciliateNs(doc_.get(), copy);
}

std::string BodyBuilder::serializeAppending(std::string_view element_xml) {
  // A placeholder holds the place: an element's start can only come from the tree itself,
  // since the text and attribute values around it are escaped.
  const std::string slot = "<ehagent.slot/>";
  // xmlNewDocNode, not xmlNewChild: the latter would put it in the root's namespace.
  xmlNode* placeholder = xmlNewDocNode(doc_.get(), nullptr, X("ehagent.slot"), nullptr);
  if (!placeholder) outOfMemory();
  if (!xmlAddChild(root_, placeholder)) {
    xmlFreeNode(placeholder);
    outOfMemory();
  }
  std::string out = serialize();
  xmlUnlinkNode(placeholder);
  xmlFreeNode(placeholder);
  const auto at = out.find(slot);
  if (at == std::string::npos) throw tokens::Error("crypto_error", "lost the placeholder of the request body");
  return out.replace(at, slot.size(), element_xml);
}

std::string BodyBuilder::serialize() const {
  Owned<xmlBuffer, xmlBufferFree> buf(xmlBufferCreate());
  if (!buf) outOfMemory();
  if (xmlNodeDump(buf.get(), doc_.get(), root_, 0, 0) < 0) {
    throw tokens::Error("crypto_error", "libxml2 could not serialise the request body");
  }
  return {reinterpret_cast<const char*>(xmlBufferContent(buf.get())),
          static_cast<std::size_t>(xmlBufferLength(buf.get()))};
}

}  // namespace ehagent::hubs::detail
