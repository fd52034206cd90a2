// The status page's HTML. Everything is escaped where it is written; the texts the script needs
// travel in a JSON block (type application/json, never run).
#include <cctype>
#include <string_view>

#include "agent/routes/page.hpp"
#include "agent/store/json_text.hpp"
#include "tokens/xml/document.hpp"

namespace ehagent::agent {
namespace {

using nlohmann::json;

// Every attribute here is double-quoted, so XML's escaping is HTML's too.
using tokens::xml::escape;

std::string field(const json& object, const char* name) {
  if (!object.is_object() || !object.contains(name) || !object[name].is_string()) return {};
  return object[name].get<std::string>();
}

// "2026-12-07T12:34:56Z" -> "2026-12-07 12:34:56 UTC": what the page shows without a script.
std::string readableTime(const std::string& iso) {
  if (iso.size() < 19) return iso;
  return iso.substr(0, 10) + " " + iso.substr(11, 8) + " UTC";
}

// The state board speaks the API's words ("ehealth", "expiring", "hub.consent.put"); the page
// shows the catalog's for them, and the word itself for one the catalogs do not know yet.
std::string word(const Texts& t, std::string_view prefix, const std::string& value) {
  const std::string key = std::string(prefix) + value;
  return t.has(key) ? t.get(key) : value;
}

// The certificate says DOCTOR; the catalogs' keys are the STS profiles' names, doctor.
std::string lowerAscii(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

std::string certificateName(const Texts& t, const std::string& name) {
  if (name == "eID Authentication certificate") return t.get("page.cert.eid_authentication");
  if (name == "eHealth certificate") return t.get("page.cert.ehealth");
  return name;
}

std::string warning(const Texts& t, const json& w) {
  const std::string code = field(w, "code");
  const std::string certificate = certificateName(t, field(w, "certificate"));
  if (code == "certificate_expiring") {
    return t.get("page.warning.certificate_expiring",
                 {{"certificate", certificate}, {"date", field(w, "not_after")},
                  {"days", std::to_string(w.value("days_left", 0))}});
  }
  if (code == "revocation_unknown") return t.get("page.warning.revocation_unknown", {{"certificate", certificate}});
  return field(w, "detail");
}

std::string readers(const json& status, const Texts& t) {
  std::string html = "<section id=\"readers\"><h2>" + escape(t.get("page.readers")) + "</h2>";
  const json& list = status.value("readers", json::array());
  if (list.empty()) return html + "<p class=\"muted\">" + escape(t.get("page.no_card")) + "</p></section>";
  html += "<table><tr><th>" + escape(t.get("page.reader")) + "</th><th>" + escape(t.get("page.card")) + "</th><th>" +
          escape(t.get("page.holder")) + "</th></tr>";
  for (const json& r : list) {
    const json holder = r.value("holder", json::object());
    html += "<tr><td>" + escape(field(r, "reader")) + "</td><td>" + escape(field(r, "token")) + " <span class=\"muted\">(" +
            escape(word(t, "page.kind.", field(r, "kind"))) + ")</span></td><td>" + escape(field(holder, "name")) + "</td></tr>";
  }
  return html + "</table></section>";
}

std::string practitioner(const json& status, const Texts& t) {
  const json who = status.value("practitioner", json());
  std::string html = "<section id=\"practitioner\"><h2>" + escape(t.get("page.practitioner")) + "</h2>";
  if (!who.is_object()) return html + "<p class=\"muted\">" + escape(t.get("page.insert_eid")) + "</p></section>";
  html += "<table><tr><th>" + escape(t.get("page.name")) + "</th><td id=\"practitioner-name\">" + escape(field(who, "name")) +
          "</td></tr><tr><th>" + escape(t.get("page.nihii")) + "</th><td>" + escape(field(who, "nihii")) + "</td></tr><tr><th>" +
          escape(t.get("page.profession")) + "</th><td>" +
          escape(word(t, "page.profession.", lowerAscii(field(who, "profession")))) + "</td></tr></table>";
  for (const json& w : who.value("warnings", json::array())) {
    html += "<p class=\"warn\">" + escape(warning(t, w)) + "</p>";
  }
  return html + "</section>";
}

std::string button(const char* action, const std::string& label, bool secondary) {
  return std::string("<form method=\"post\" action=\"/page/") + action + "\" data-action=\"" + action + "\"><button id=\"" +
         action + "\"" + (secondary ? " class=\"secondary\"" : "") + ">" + escape(label) + "</button></form>";
}

std::string session(const json& status, const Texts& t) {
  const json s = status.value("session", json());
  const bool identified = status.value("practitioner", json()).is_object();
  if (!s.is_object()) {
    return "<section id=\"session\" data-state=\"logged-out\"><h2>" + escape(t.get("page.session")) +
           "</h2><p id=\"session-state\">" + escape(t.get("page.not_logged_in")) + "</p>" +
           (identified ? button("login", t.get("page.login"), false) : "") + "</section>";
  }
  std::string html = "<section id=\"session\" data-state=\"logged-in\"><h2>" + escape(t.get("page.session")) + "</h2>";
  html += "<p id=\"session-state\" class=\"ok\">" +
          escape(t.get("page.logged_in_since", {{"time", readableTime(field(s, "since"))}})) + "</p>";
  const std::string expires = field(s, "token_expires");
  if (!expires.empty()) {
    const std::string span = "<span id=\"token-expiry\" data-expires=\"" + escape(expires) + "\">" +
                             escape(readableTime(expires)) + "</span>";
    html += "<p>" + t.get("page.token_valid_until", {{"time", span}}) + " (<span id=\"expires-in\"></span>)</p>";
  } else if (s.value("token_pending", false)) {
    html += "<p class=\"warn\">" + escape(t.get("page.token_pending")) + "</p>";
  }
  return html + button("logout", t.get("page.logout"), true) + "</section>";
}

std::string certificates(const json& status, const Texts& t) {
  std::string html = "<section id=\"certificates\"><h2>" + escape(t.get("page.certificates")) + "</h2>";
  const json s = status.value("session", json());
  const json list = s.is_object() ? s.value("certificates", json::array()) : json::array();
  if (list.empty()) return html + "<p class=\"muted\">" + escape(t.get("page.checked_at_login")) + "</p></section>";
  html += "<table><tr><th>" + escape(t.get("page.certificate")) + "</th><th>" + escape(t.get("page.valid_until")) +
          "</th><th>" + escape(t.get("page.state")) + "</th></tr>";
  for (const json& c : list) {
    const std::string expiry = field(c, "expiry");
    html += "<tr><td>" + escape(certificateName(t, field(c, "certificate"))) + "</td><td>" +
            escape(field(c, "not_after")) + "</td><td class=\"" + (expiry == "valid" ? "ok" : "warn") + "\">" +
            escape(word(t, "page.expiry.", expiry)) + "</td></tr>";
  }
  return html + "</table></section>";
}

std::string hubs(const std::map<std::string, std::string>& configured, const Texts& t) {
  std::string html = "<section id=\"hubs\"><h2>" + escape(t.get("page.hubs")) + "</h2>";
  if (configured.empty()) return html + "<p class=\"muted\">" + escape(t.get("page.no_hub")) + "</p></section>";
  html += "<table><tr><th>" + escape(t.get("page.hub")) + "</th><th>" + escape(t.get("page.address")) + "</th><th>" +
          escape(t.get("page.answers")) + "</th></tr>";
  for (const auto& [name, url] : configured) {
    html += "<tr><td>" + escape(name) + "</td><td class=\"url\">" + escape(url) + "</td><td data-hub=\"" + escape(name) +
            "\" class=\"muted\">" + escape(t.get("page.not_checked")) + "</td></tr>";
  }
  return html + "</table></section>";
}

std::string activity(const json& rows, const Texts& t) {
  std::string html = "<section id=\"activity\"><h2>" + escape(t.get("page.activity")) + "</h2>";
  if (rows.empty()) return html + "<p class=\"muted\">" + escape(t.get("page.nothing_yet")) + "</p></section>";
  html += "<table><tr><th>" + escape(t.get("page.when")) + "</th><th>" + escape(t.get("page.what")) + "</th><th>" +
          escape(t.get("page.client")) + "</th><th>" + escape(t.get("page.outcome")) + "</th></tr>";
  for (const json& r : rows) {
    const std::string outcome = field(r, "outcome");
    const std::string code = field(r, "problem_code");
    // A refusal by its title in the page's language; its code stays beside it, for a support call.
    const std::string title = "problem." + code + ".title";
    const std::string why = code.empty()      ? ""
                            : t.has(title) ? " (" + escape(t.get(title)) + ", " + escape(code) + ")"
                                           : " (" + escape(code) + ")";
    html += "<tr><td>" + escape(readableTime(field(r, "time"))) + "</td><td>" +
            escape(word(t, "page.operation.", field(r, "operation"))) + "</td><td>" + escape(field(r, "client")) +
            "</td><td class=\"" + (outcome == "ok" ? "ok" : "warn") + "\">" + escape(word(t, "page.outcome.", outcome)) +
            why + "</td></tr>";
  }
  return html + "</table></section>";
}

std::string notice(const PageView& view, const Texts& t) {
  const std::string key = "problem." + view.refused + ".title";
  return view.refused.empty() || !t.has(key) ? std::string() : escape(t.get(key));
}

}  // namespace

std::string renderStatusPage(const PageView& view) {
  const Texts& t = textsFor(view.language);
  json texts = json::object();
  for (const char* key : {"expires_in", "expired", "hub_answers", "hub_silent", "waiting_for_pin", "agent_unreachable"}) {
    texts[key] = t.get(std::string("page.") + key);
  }
  // "</" cannot close the JSON block early once every "<" is escaped.
  std::string texts_json = jsonText(texts);
  for (std::size_t at = texts_json.find('<'); at != std::string::npos; at = texts_json.find('<', at)) {
    texts_json.replace(at, 1, "\\u003c");
  }
  return "<!DOCTYPE html>\n<html lang=\"" + std::string(code(view.language)) + "\"><head><meta charset=\"utf-8\"><title>ehagent</title>"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
         "<link rel=\"icon\" href=\"data:,\"><link rel=\"stylesheet\" href=\"/page.css\"></head><body><header><h1>" +
         escape(t.get("page.title")) + "</h1><span>" + escape(view.version) +
         "</span></header><p id=\"notice\" class=\"fail\">" + notice(view, t) + "</p><main>" + readers(view.status, t) +
         practitioner(view.status, t) + session(view.status, t) + certificates(view.status, t) + hubs(view.hubs, t) +
         activity(view.audit, t) + "</main><script id=\"texts\" type=\"application/json\">" + texts_json +
         "</script><script src=\"/page.js\"></script></body></html>\n";
}

}  // namespace ehagent::agent
