#pragma once
// JSON text for everything the agent writes out. A string can hold bytes that are not UTF-8 (a
// request path, a header, a token label read from a card); nlohmann's plain dump() throws on them,
// which would turn an answer into an exception. They become U+FFFD instead.
#include <string>

#include <nlohmann/json.hpp>

namespace ehagent::agent {

inline std::string jsonText(const nlohmann::json& value, int indent = -1) {
  return value.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace ehagent::agent
