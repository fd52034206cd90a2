#include "agent/i18n/texts.hpp"

#include <array>
#include <cctype>
#include <cstdlib>

#include <nlohmann/json.hpp>

namespace ehagent::agent {

std::string_view catalog_en();
std::string_view catalog_nl();
std::string_view catalog_fr();
std::string_view catalog_de();

namespace {

// Indexed by Language, whose order is En, Nl, Fr, De.
const nlohmann::json& catalog(Language language) {
  static const std::array<nlohmann::json, 4> catalogs{nlohmann::json::parse(catalog_en()), nlohmann::json::parse(catalog_nl()),
                                                      nlohmann::json::parse(catalog_fr()), nlohmann::json::parse(catalog_de())};
  return catalogs[static_cast<std::size_t>(language)];
}

// One pass over the template: what is filled in (a client's name, a document's kind) is never
// read for placeholders itself.
std::string fill(const std::string& text, const std::map<std::string, std::string>& values) {
  std::string out;
  std::size_t at = 0;
  while (at < text.size()) {
    const std::size_t open = text.find('{', at);
    const std::size_t close = open == std::string::npos ? open : text.find('}', open);
    if (close == std::string::npos) break;
    out.append(text, at, open - at);
    const auto value = values.find(text.substr(open + 1, close - open - 1));
    out += value != values.end() ? value->second : text.substr(open, close - open + 1);
    at = close + 1;
  }
  out.append(text, at, std::string::npos);
  return out;
}

}  // namespace

std::string_view code(Language language) noexcept {
  switch (language) {
    case Language::Nl: return "nl";
    case Language::Fr: return "fr";
    case Language::De: return "de";
    case Language::En: break;
  }
  return "en";
}

std::optional<Language> parseLanguage(std::string_view text) {
  if (text.size() < 2) return std::nullopt;
  if (text.size() > 2 && text[2] != '_' && text[2] != '-' && text[2] != '.') return std::nullopt;
  const std::string two{static_cast<char>(std::tolower(static_cast<unsigned char>(text[0]))),
                        static_cast<char>(std::tolower(static_cast<unsigned char>(text[1])))};
  for (Language l : {Language::En, Language::Nl, Language::Fr, Language::De}) {
    if (code(l) == two) return l;
  }
  return std::nullopt;
}

Language languageFromLocale() {
  for (const char* name : {"LC_ALL", "LC_MESSAGES", "LANG"}) {
    const char* value = std::getenv(name);
    if (value && *value) return parseLanguage(value).value_or(Language::En);  // the first set one decides
  }
  return Language::En;
}

std::optional<Language> fromAcceptLanguage(std::string_view header) {
  while (!header.empty()) {
    const std::size_t comma = header.find(',');
    std::string_view item = header.substr(0, comma);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    if (auto language = parseLanguage(item.substr(0, item.find(';')))) return language;
    if (comma == std::string_view::npos) break;
    header.remove_prefix(comma + 1);
  }
  return std::nullopt;
}

Texts::Texts(Language language) : language_(language) {}

std::string Texts::get(std::string_view key, const std::map<std::string, std::string>& values) const {
  const std::string name(key);
  for (const nlohmann::json* c : {&catalog(language_), &catalog(Language::En)}) {
    const auto it = c->find(name);
    if (it != c->end() && it->is_string()) return fill(it->get<std::string>(), values);
  }
  return name;
}

bool Texts::has(std::string_view key) const {
  const std::string name(key);
  return catalog(language_).contains(name) || catalog(Language::En).contains(name);
}

std::vector<std::string> Texts::keys() const {
  std::vector<std::string> out;
  for (const auto& [key, value] : catalog(language_).items()) out.push_back(key);
  return out;
}

const Texts& textsFor(Language language) {
  static const std::array<Texts, 4> texts{Texts(Language::En), Texts(Language::Nl), Texts(Language::Fr), Texts(Language::De)};
  return texts[static_cast<std::size_t>(language)];
}

}  // namespace ehagent::agent
