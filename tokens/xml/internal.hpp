#pragma once
// Private to tokens/: XML helpers shared by the signer and the verifier.
#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>

#include <libxml/tree.h>

#include "tokens/xml/document.hpp"

namespace ehagent::tokens::xml {

// excC14n of `element` with the subtree `excluded` left out (the enveloped-signature transform).
std::string excC14nExcluding(Element element, const _xmlNode* excluded,
                             std::span<const std::string> inclusive_prefixes);

// excC14n of `element` copied into a document of its own. libxml2's c14n asks its visibility
// callback about every node of the whole document, so a small part (a Timestamp, a SignedInfo)
// canonicalised in place costs a walk of the whole envelope; the copy costs the part's size. The
// copy declares at its top each namespace it uses from above, which exclusive c14n renders where
// it is used either way, so the octets are the same. (Not for inclusive prefixes, which render
// unused namespaces in scope.)
std::string excC14nAlone(Element element);

// `element` as XML text, as it stands in its document (namespaces declared above it are not
// repeated).
std::string serializeElement(Element element);

// Calls fn(node, depth) for `root` (depth 1) and every element under it, in document order; an
// fn that returns bool stops the walk by returning false.
// Iterative: a recursive walk would itself be the stack overflow that depth limits prevent.
template <typename Fn>
void forEachElement(_xmlNode* root, Fn&& fn) {
  std::size_t depth = 1;
  _xmlNode* node = root;
  while (true) {
    if (node->type == XML_ELEMENT_NODE) {
      if constexpr (std::is_same_v<decltype(fn(node, depth)), bool>) {
        if (!fn(node, depth)) return;
      } else {
        fn(node, depth);
      }
    }
    if (node->type == XML_ELEMENT_NODE && node->children != nullptr) {
      node = node->children;
      ++depth;
      continue;
    }
    while (node != root && node->next == nullptr) {
      node = node->parent;
      --depth;
    }
    if (node == root) return;
    node = node->next;
  }
}

// The one element that `parent` holds, checked as if it had been parsed as a document of its own:
// around it only whitespace, comments and PIs; every namespace it uses declared within it; nested
// no deeper than `max_depth`. Lets a caller that embeds a document as text parse the result once.
// Throws Error("invalid_input") otherwise.
Element embeddedDocument(Element parent, std::size_t max_depth);

// Splits a PrefixList attribute ("ds wsu #default") into prefixes.
std::vector<std::string> splitPrefixList(std::string_view list);

}  // namespace ehagent::tokens::xml
