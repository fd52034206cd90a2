#include "tokens/hub_read.hpp"

namespace ehagent::tokens::hub::read {

std::optional<xml::Element> first(const xml::Element& e, std::string_view local) {
  for (const auto& c : e.children()) {
    if (c.localName() == local) return c;
  }
  return std::nullopt;
}

std::vector<xml::Element> all(const xml::Element& e, std::string_view local) {
  std::vector<xml::Element> out;
  for (const auto& c : e.children()) {
    if (c.localName() == local) out.push_back(c);
  }
  return out;
}

std::string text(const xml::Element& e, std::string_view local) {
  const auto c = first(e, local);
  return c ? c->text() : std::string();
}

std::string coded(const xml::Element& e, std::string_view local, std::string_view scheme) {
  for (const auto& c : all(e, local)) {
    if (c.attribute("S") == std::string(scheme)) return c.text();
  }
  return {};
}

}  // namespace ehagent::tokens::hub::read
