#pragma once
// Reading hub and KMEHR XML by local name: hubs differ in which of the protocol, core and KMEHR
// namespaces they put inner elements in, so readers below a verified, namespace-checked root
// match local names only.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tokens/xml.hpp"

namespace ehagent::tokens::hub::read {

std::optional<xml::Element> first(const xml::Element& e, std::string_view local);
std::vector<xml::Element> all(const xml::Element& e, std::string_view local);
// Text of the first child with this local name; empty when there is none.
std::string text(const xml::Element& e, std::string_view local);
// Text of the first <local S="scheme"> child (KMEHR id/cd); empty when there is none.
std::string coded(const xml::Element& e, std::string_view local, std::string_view scheme);

}  // namespace ehagent::tokens::hub::read
