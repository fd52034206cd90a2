#pragma once
// The agent's texts by language (agent/i18n/*.json). Keys name a message, values fill its
// {placeholders}. A key missing from a catalog falls back to English, then to the key itself,
// so a text is never blank; the catalog test keeps that from happening.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ehagent::agent {

enum class Language { En, Nl, Fr, De };

[[nodiscard]] std::string_view code(Language language) noexcept;  // "en", "nl", ...
[[nodiscard]] std::optional<Language> parseLanguage(std::string_view text);  // "nl", "nl_BE.UTF-8", "fr-BE"
// LC_ALL, LC_MESSAGES, then LANG, as gettext reads them; English when none names one of the four.
[[nodiscard]] Language languageFromLocale();
// The first of the four in an Accept-Language header, in the order given (q-values aside).
[[nodiscard]] std::optional<Language> fromAcceptLanguage(std::string_view header);

class Texts {
 public:
  explicit Texts(Language language);
  [[nodiscard]] Language language() const noexcept { return language_; }
  [[nodiscard]] std::string get(std::string_view key, const std::map<std::string, std::string>& values = {}) const;
  // Whether this catalog or the English one has the key.
  [[nodiscard]] bool has(std::string_view key) const;
  [[nodiscard]] std::vector<std::string> keys() const;  // this catalog's own

 private:
  Language language_;
};

[[nodiscard]] const Texts& textsFor(Language language);

}  // namespace ehagent::agent
