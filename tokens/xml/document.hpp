#pragma once
// The XML layer under XMLDSig, WS-Security and the STS client: a hardened parser (no DTD, no
// entities, no network, size and depth limits), a read-only element view, exclusive c14n of an
// element subtree, and lookup by ID attribute that refuses duplicates.
// libxml2 types stay behind forward declarations; native() hands them to code that builds XML.
#include <cstddef>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

struct _xmlDoc;
struct _xmlNode;

namespace ehagent::tokens::xml {

inline constexpr std::string_view kWsuNs =
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd";

struct ParseLimits {
  std::size_t max_bytes = 4 * 1024 * 1024;
  std::size_t max_depth = 64;
};

// A non-owning view of one element. It stays valid as long as its Document lives.
class Element {
 public:
  explicit Element(_xmlNode* node) noexcept : node_(node) {}

  [[nodiscard]] std::string_view localName() const;
  [[nodiscard]] std::string_view namespaceUri() const;  // empty when none
  [[nodiscard]] bool is(std::string_view ns, std::string_view local) const;
  // The attribute `name` in namespace `ns` (empty ns: an unqualified attribute).
  [[nodiscard]] std::optional<std::string> attribute(std::string_view name, std::string_view ns = {}) const;
  [[nodiscard]] std::string text() const;  // the concatenated text content of the subtree
  [[nodiscard]] std::vector<Element> children() const;  // element children, in order
  // The first element child with this namespace and local name.
  [[nodiscard]] std::optional<Element> child(std::string_view ns, std::string_view local) const;
  // Every element child with this name; callers that need exactly one use it to refuse two.
  [[nodiscard]] std::vector<Element> childrenNamed(std::string_view ns, std::string_view local) const;
  [[nodiscard]] std::optional<Element> parent() const;  // none for the root element

  [[nodiscard]] _xmlNode* native() const noexcept { return node_; }
  friend bool operator==(const Element& a, const Element& b) noexcept { return a.node_ == b.node_; }

 private:
  _xmlNode* node_;
};

class Document {
 public:
  // Throws Error("invalid_input") on malformed XML, a DOCTYPE (so no entity can be declared),
  // more than max_bytes or nesting deeper than max_depth.
  static Document parse(std::string_view xml, const ParseLimits& limits = {});
  // Adopts a document built with the libxml2 tree API (the Document frees it).
  static Document adopt(_xmlDoc* doc);

  [[nodiscard]] Element root() const;
  // The whole document as UTF-8 with an XML declaration; withDeclaration=false drops it.
  [[nodiscard]] std::string serialize(bool withDeclaration = true) const;
  [[nodiscard]] _xmlDoc* native() const noexcept { return doc_.get(); }

 private:
  // Not core's Owned: that would name xmlFreeDoc here, and this header keeps libxml2 out of its
  // users (the deleter is defined in document.cpp).
  struct Free {
    void operator()(_xmlDoc* doc) const noexcept;
  };
  explicit Document(_xmlDoc* doc) : doc_(doc) {}
  std::unique_ptr<_xmlDoc, Free> doc_;
};

// `xml` without a leading BOM, whitespace and XML declaration, so that a standalone document can
// sit inside another. Throws Error("invalid_input") for an unterminated declaration.
std::string_view withoutDeclaration(std::string_view xml);

// Text escaped for an XML text node or a double-quoted attribute value.
std::string escape(std::string_view text);

// Exclusive XML canonicalization 1.0 (no comments) of `element` and its descendants.
// `inclusive_prefixes` is the InclusiveNamespaces PrefixList ("#default" names the default ns).
std::string excC14n(Element element, std::span<const std::string> inclusive_prefixes = {});

// The ID of an element: wsu:Id, Id, ID or AssertionID (first present), or none.
std::optional<std::string> idOf(Element element);
// The one element of the document whose ID is `id`; none when no element has it. Throws
// Error("duplicate_id") when two elements carry it. Walks the tree itself: libxml2's ID table
// is never consulted, so a document cannot declare its own IDs.
std::optional<Element> findById(const Document& doc, std::string_view id);
// Throws Error("duplicate_id") if any ID value occurs twice in the document.
void requireUniqueIds(const Document& doc);

}  // namespace ehagent::tokens::xml
