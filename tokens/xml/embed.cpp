#include <libxml/tree.h>

#include <unordered_set>

#include "tokens/error.hpp"
#include "tokens/xml/internal.hpp"

namespace ehagent::tokens::xml {

namespace {
bool whitespace(const xmlChar* s) {
  for (; s != nullptr && *s != 0; ++s)
    if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r') return false;
  return true;
}
}  // namespace

Element embeddedDocument(Element parent, std::size_t max_depth) {
  // What a standalone document may hold around its root: whitespace, comments, PIs.
  xmlNode* root = nullptr;
  for (xmlNode* c = parent.native()->children; c != nullptr; c = c->next) {
    if (c->type == XML_ELEMENT_NODE && root == nullptr) root = c;
    else if (c->type == XML_ELEMENT_NODE) throw Error("invalid_input", "the embedded XML holds more than one element");
    else if (c->type == XML_TEXT_NODE && !whitespace(c->content)) throw Error("invalid_input", "the embedded XML has text outside its element");
    else if (c->type != XML_TEXT_NODE && c->type != XML_COMMENT_NODE && c->type != XML_PI_NODE)
      throw Error("invalid_input", "the embedded XML is not one element");
  }
  if (root == nullptr) throw Error("invalid_input", "the embedded XML holds no element");

  // Every namespace the subtree uses must be declared inside it (the xml: prefix excepted), as
  // it would have to be in a document of its own. One walk in document order, no recursion.
  std::unordered_set<const xmlNs*> declared;
  const auto own = [&](const xmlNs* ns) {
    return ns == nullptr || declared.contains(ns) ||
           (ns->prefix != nullptr && xmlStrEqual(ns->prefix, reinterpret_cast<const xmlChar*>("xml")));
  };
  forEachElement(root, [&](xmlNode* node, std::size_t depth) {
    if (depth > max_depth)
      throw Error("invalid_input", "XML nested deeper than " + std::to_string(max_depth) + " levels");
    for (const xmlNs* ns = node->nsDef; ns != nullptr; ns = ns->next) declared.insert(ns);
    bool complete = own(node->ns);
    for (const xmlAttr* a = node->properties; complete && a != nullptr; a = a->next) complete = own(a->ns);
    if (!complete) throw Error("invalid_input", "the embedded XML uses a namespace prefix it does not declare");
  });
  return Element(root);
}

}  // namespace ehagent::tokens::xml
