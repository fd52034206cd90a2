#include "tokens/xml/document.hpp"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlsave.h>

#include <algorithm>

#include "tokens/error.hpp"
#include "core/owned.hpp"
#include "tokens/xml/internal.hpp"

namespace ehagent::tokens::xml {

namespace {
using ParserCtxtPtr = Owned<xmlParserCtxt, xmlFreeParserCtxt>;

std::string_view sv(const xmlChar* s) {
  return s == nullptr ? std::string_view{} : std::string_view(reinterpret_cast<const char*>(s));
}

struct ParseState {
  bool saw_doctype = false;
};

// Called when the parser meets "<!DOCTYPE": stopping here means the internal subset, where
// entities would be declared, is never parsed at all.
extern "C" void refuseDoctype(void* ctx, const xmlChar*, const xmlChar*, const xmlChar*) noexcept {
  auto* ctxt = static_cast<xmlParserCtxt*>(ctx);
  static_cast<ParseState*>(ctxt->_private)->saw_doctype = true;
  xmlStopParser(ctxt);
}

std::size_t depthOf(xmlNode* root) {
  std::size_t max_depth = 0;
  forEachElement(root, [&](xmlNode*, std::size_t depth) { max_depth = std::max(max_depth, depth); });
  return max_depth;
}
}  // namespace

void Document::Free::operator()(_xmlDoc* doc) const noexcept { xmlFreeDoc(doc); }

Document Document::parse(std::string_view xml, const ParseLimits& limits) {
  if (xml.size() > limits.max_bytes)
    throw Error("invalid_input", "XML document larger than " + std::to_string(limits.max_bytes) + " bytes");
  ParserCtxtPtr ctxt(xmlNewParserCtxt());
  if (!ctxt) throw Error("invalid_input", "cannot create an XML parser");
  ParseState state;
  ctxt->_private = &state;
  ctxt->sax->internalSubset = refuseDoctype;
  // No NOENT (entities stay unexpanded), no DTDLOAD/DTDATTR/DTDVALID, no network, no XInclude.
  const int options = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NOCDATA;
  xmlDoc* raw = xmlCtxtReadMemory(ctxt.get(), xml.data(), int(xml.size()), nullptr, nullptr, options);
  Document doc(raw);  // owns it from here, whatever happens next
  if (state.saw_doctype) throw Error("invalid_input", "XML with a DOCTYPE is refused");
  if (raw == nullptr || ctxt->wellFormed == 0) {
    const xmlError* err = xmlCtxtGetLastError(ctxt.get());
    std::string detail = err != nullptr && err->message != nullptr ? err->message : "not well-formed";
    while (!detail.empty() && (detail.back() == '\n' || detail.back() == ' ')) detail.pop_back();
    throw Error("invalid_input", "malformed XML: " + detail);
  }
  if (xmlDocGetRootElement(raw) == nullptr) throw Error("invalid_input", "XML document has no root element");
  if (depthOf(xmlDocGetRootElement(raw)) > limits.max_depth)
    throw Error("invalid_input", "XML nested deeper than " + std::to_string(limits.max_depth) + " levels");
  return doc;
}

Document Document::adopt(_xmlDoc* doc) {
  if (doc == nullptr || xmlDocGetRootElement(doc) == nullptr)
    throw Error("invalid_input", "XML document has no root element");
  return Document(doc);
}

Element Document::root() const { return Element(xmlDocGetRootElement(doc_.get())); }

std::string Document::serialize(bool withDeclaration) const {
  xmlBuffer* buffer = xmlBufferCreate();
  if (buffer == nullptr) throw Error("invalid_input", "out of memory");
  Owned<xmlBuffer, xmlBufferFree> owned(buffer);
  xmlSaveCtxt* save = xmlSaveToBuffer(buffer, "UTF-8", withDeclaration ? 0 : XML_SAVE_NO_DECL);
  if (save == nullptr) throw Error("invalid_input", "cannot serialise XML");
  const long rc = xmlSaveDoc(save, doc_.get());
  if (xmlSaveClose(save) < 0 || rc < 0) throw Error("invalid_input", "cannot serialise XML");
  return std::string(reinterpret_cast<const char*>(xmlBufferContent(buffer)), std::size_t(xmlBufferLength(buffer)));
}

std::string serializeElement(Element element) {
  xmlBuffer* buffer = xmlBufferCreate();
  if (buffer == nullptr) throw Error("invalid_input", "out of memory");
  Owned<xmlBuffer, xmlBufferFree> owned(buffer);
  if (xmlNodeDump(buffer, element.native()->doc, element.native(), 0, 0) < 0)
    throw Error("invalid_input", "cannot serialise XML");
  return std::string(reinterpret_cast<const char*>(xmlBufferContent(buffer)), std::size_t(xmlBufferLength(buffer)));
}

std::string_view withoutDeclaration(std::string_view xml) {
  if (xml.starts_with("\xEF\xBB\xBF")) xml.remove_prefix(3);
  while (!xml.empty() && (xml.front() == ' ' || xml.front() == '\n' || xml.front() == '\r' || xml.front() == '\t'))
    xml.remove_prefix(1);
  if (xml.starts_with("<?xml")) {
    const auto end = xml.find("?>");
    if (end == std::string_view::npos) throw Error("invalid_input", "unterminated XML declaration");
    xml.remove_prefix(end + 2);
  }
  return xml;
}

std::string_view Element::localName() const { return sv(node_->name); }

std::string_view Element::namespaceUri() const { return node_->ns == nullptr ? std::string_view{} : sv(node_->ns->href); }

bool Element::is(std::string_view ns, std::string_view local) const {
  return localName() == local && namespaceUri() == ns;
}

std::optional<std::string> Element::attribute(std::string_view name, std::string_view ns) const {
  for (xmlAttr* a = node_->properties; a != nullptr; a = a->next) {
    const std::string_view attr_ns = a->ns == nullptr ? std::string_view{} : sv(a->ns->href);
    if (sv(a->name) != name || attr_ns != ns) continue;
    xmlChar* value = xmlNodeListGetString(node_->doc, a->children, 1);
    std::string out(sv(value));
    xmlFree(value);
    return out;
  }
  return std::nullopt;
}

std::string Element::text() const {
  xmlChar* content = xmlNodeGetContent(node_);
  std::string out(sv(content));
  xmlFree(content);
  return out;
}

std::vector<Element> Element::children() const {
  std::vector<Element> out;
  for (xmlNode* c = node_->children; c != nullptr; c = c->next)
    if (c->type == XML_ELEMENT_NODE) out.emplace_back(c);
  return out;
}

std::optional<Element> Element::child(std::string_view ns, std::string_view local) const {
  for (xmlNode* c = node_->children; c != nullptr; c = c->next)
    if (c->type == XML_ELEMENT_NODE && Element(c).is(ns, local)) return Element(c);
  return std::nullopt;
}

std::vector<Element> Element::childrenNamed(std::string_view ns, std::string_view local) const {
  std::vector<Element> out;
  for (const Element& c : children())
    if (c.is(ns, local)) out.push_back(c);
  return out;
}

std::optional<Element> Element::parent() const {
  if (node_->parent == nullptr || node_->parent->type != XML_ELEMENT_NODE) return std::nullopt;
  return Element(node_->parent);
}

std::string escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

}  // namespace ehagent::tokens::xml
