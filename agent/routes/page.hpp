#pragma once
// The status page at `/` (page.cpp, page_html.cpp): for the practitioner at this machine, not for
// client software. It reads no client key: a page session cookie of its own (HttpOnly,
// SameSite=Strict) admits the page's own requests, its posts must come from its own origin, and
// every page request must come from this user's account (loopback TCP peers are looked up in
// the kernel's socket table).
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "agent/i18n/texts.hpp"

namespace ehagent::agent {

struct PageView {
  std::string version;
  nlohmann::json status;  // the state board: readers, practitioner, session
  nlohmann::json audit = nlohmann::json::array();  // the practitioner's last rows, newest first
  std::map<std::string, std::string> hubs;         // name -> URL
  Language language = Language::En;
  // The problem code a form post without the script ended on (`/?refused=<code>`); shown by its
  // title, and only when it is a code the catalogs know.
  std::string refused;
};

// The whole page: it shows everything without a script; page.js keeps it live.
[[nodiscard]] std::string renderStatusPage(const PageView& view);

}  // namespace ehagent::agent
