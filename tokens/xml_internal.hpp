#pragma once
// Private to tokens/: XML helpers shared by the signer and the verifier.
#include <span>
#include <string>
#include <string_view>

#include "tokens/xml.hpp"

namespace ehagent::tokens::xml {

// excC14n of `element` with the subtree `excluded` left out (the enveloped-signature transform).
std::string excC14nExcluding(Element element, const _xmlNode* excluded,
                             std::span<const std::string> inclusive_prefixes);

// Splits a PrefixList attribute ("ds wsu #default") into prefixes.
std::vector<std::string> splitPrefixList(std::string_view list);

}  // namespace ehagent::tokens::xml
