#include "hubs/read.hpp"

namespace ehagent::hubs::read {

std::optional<tokens::xml::Element> first(const tokens::xml::Element& e, std::string_view local) {
  for (const auto& c : e.children()) {
    if (c.localName() == local) return c;
  }
  return std::nullopt;
}

std::vector<tokens::xml::Element> all(const tokens::xml::Element& e, std::string_view local) {
  std::vector<tokens::xml::Element> out;
  for (const auto& c : e.children()) {
    if (c.localName() == local) out.push_back(c);
  }
  return out;
}

std::string text(const tokens::xml::Element& e, std::string_view local) {
  const auto c = first(e, local);
  return c ? c->text() : std::string();
}

std::string coded(const tokens::xml::Element& e, std::string_view local, std::string_view scheme) {
  for (const auto& c : all(e, local)) {
    if (c.attribute("S") == std::string(scheme)) return c.text();
  }
  return {};
}

}  // namespace ehagent::hubs::read
