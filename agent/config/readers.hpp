#pragma once
// Typed readers over toml++ nodes. Every key of agent.toml, flat or in a section ([sts],
// [hubs.<name>], [revocation]), is read through these, so a wrong type or range is refused the
// same way everywhere, with the dotted key in the message.
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include <toml++/toml.h>

namespace ehagent::agent::config_read {

[[noreturn]] void fail(std::string_view key, std::string_view must_be);

std::string text(const toml::node& node, std::string_view key);
bool flag(const toml::node& node, std::string_view key);
std::int64_t integer(const toml::node& node, std::string_view key, std::int64_t min, std::int64_t max);
std::vector<std::string> texts(const toml::node& node, std::string_view key);
// An http:// or https:// URL (the revocation responders).
std::string httpUrl(const toml::node& node, std::string_view key);
const toml::table& table(const toml::node& node, std::string_view key);

// Refuses any key of `section` (named `prefix`) that `known` does not list, naming it, so a typo
// never silently falls back to a default.
void onlyKnownKeys(const toml::table& section, std::string_view prefix,
                   std::initializer_list<std::string_view> known);

}  // namespace ehagent::agent::config_read
