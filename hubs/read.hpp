#pragma once
// Reading hub and KMEHR XML by local name: hubs differ in which of the protocol, core and KMEHR
// namespaces they put inner elements in, so readers below a verified, namespace-checked root
// match local names only.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tokens/xml/document.hpp"

namespace ehagent::hubs::read {

std::optional<tokens::xml::Element> first(const tokens::xml::Element& e, std::string_view local);
std::vector<tokens::xml::Element> all(const tokens::xml::Element& e, std::string_view local);
// Text of the first child with this local name; empty when there is none.
std::string text(const tokens::xml::Element& e, std::string_view local);
// Text of the first <local S="scheme"> child (KMEHR id/cd); empty when there is none.
std::string coded(const tokens::xml::Element& e, std::string_view local, std::string_view scheme);

}  // namespace ehagent::hubs::read
