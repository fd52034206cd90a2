#include <libxml/tree.h>

#include <set>

#include "tokens/error.hpp"
#include "tokens/xml/document.hpp"
#include "tokens/xml/internal.hpp"

namespace ehagent::tokens::xml {

std::optional<std::string> idOf(Element element) {
  if (auto id = element.attribute("Id", kWsuNs)) return id;
  for (const char* name : {"Id", "ID", "AssertionID"})
    if (auto id = element.attribute(name)) return id;
  return std::nullopt;
}

std::optional<Element> findById(const Document& doc, std::string_view id) {
  std::optional<Element> found;
  bool duplicate = false;
  forEachElement(doc.root().native(), [&](xmlNode* node, std::size_t) {
    const Element e(node);
    const auto value = idOf(e);
    if (!value || *value != id) return;
    if (found) duplicate = true;
    found = e;
  });
  if (duplicate) throw Error("duplicate_id", "two elements carry the ID '" + std::string(id) + "'");
  return found;
}

void requireUniqueIds(const Document& doc) {
  std::set<std::string> seen;
  std::string duplicate;
  forEachElement(doc.root().native(), [&](xmlNode* node, std::size_t) {
    const auto value = idOf(Element(node));
    if (value && !seen.insert(*value).second && duplicate.empty()) duplicate = *value;
  });
  if (!duplicate.empty()) throw Error("duplicate_id", "two elements carry the ID '" + duplicate + "'");
}

std::vector<std::string> splitPrefixList(std::string_view list) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < list.size()) {
    while (i < list.size() && (list[i] == ' ' || list[i] == '\t' || list[i] == '\n' || list[i] == '\r')) ++i;
    std::size_t j = i;
    while (j < list.size() && !(list[j] == ' ' || list[j] == '\t' || list[j] == '\n' || list[j] == '\r')) ++j;
    if (j > i) out.emplace_back(list.substr(i, j - i));
    i = j;
  }
  return out;
}

}  // namespace ehagent::tokens::xml
