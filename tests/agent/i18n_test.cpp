// The catalogs (agent/i18n/*.json): every language has every message, with the same placeholders
// as English, and no message is blank; the language comes from the config, the locale or the
// browser; the PIN dialog's words in each language.
#include <gtest/gtest.h>

#include <regex>
#include <set>

#include "agent/i18n/texts.hpp"
#include "agent/pin/pinentry.hpp"

namespace ehagent::agent {
namespace {

std::set<std::string> placeholders(const std::string& text) {
  std::set<std::string> out;
  const std::regex mark("\\{([a-z_]+)\\}");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), mark); it != std::sregex_iterator(); ++it) {
    out.insert((*it)[1]);
  }
  return out;
}

TEST(Texts, EveryLanguageHasEveryMessageWithTheSamePlaceholders) {
  const Texts& en = textsFor(Language::En);
  const std::vector<std::string> keys = en.keys();
  ASSERT_GT(keys.size(), 40u);
  for (Language language : {Language::Nl, Language::Fr, Language::De}) {
    const Texts& texts = textsFor(language);
    const std::vector<std::string> own = texts.keys();
    EXPECT_EQ(std::set<std::string>(own.begin(), own.end()), std::set<std::string>(keys.begin(), keys.end()))
        << code(language) << " and en differ in their keys";
    for (const std::string& key : keys) {
      const std::string text = texts.get(key);
      EXPECT_FALSE(text.empty()) << code(language) << " " << key;
      EXPECT_NE(text, key) << code(language) << " has no " << key;
      EXPECT_EQ(placeholders(text), placeholders(en.get(key))) << code(language) << " " << key;
    }
  }
}

TEST(Texts, PlaceholdersAreFilledOnceAndWhatIsFilledInIsNotReadAgain) {
  const Texts& en = textsFor(Language::En);
  EXPECT_EQ(en.get("pin.tries_left", {{"tries", "2"}}), " (2 tries left)");
  // A client named like a placeholder stays as it is named.
  PinPurpose purpose{"{holder}", en.get("action.login"), std::nullopt, "Alice SPECIMEN", 3};
  EXPECT_EQ(pinDescription(purpose, "eID", en), "{holder} asks to log in to eHealth. PIN for Alice SPECIMEN's eID (3 tries left)");
  EXPECT_EQ(en.get("no.such.key"), "no.such.key");
}

TEST(Texts, ThePinDialogInEachLanguage) {
  PinPurpose purpose{"Medidoc", "", "78031215280", "Alice SPECIMEN", 1};
  purpose.action = textsFor(Language::Nl).get("action.login");
  EXPECT_EQ(pinDescription(purpose, "eID", textsFor(Language::Nl)),
            "Medidoc vraagt om u aan te melden bij eHealth voor patiënt 78031215280. PIN van de eID van Alice SPECIMEN "
            "(nog 1 poging)");
  purpose.action = textsFor(Language::Fr).get("action.login");
  EXPECT_EQ(pinDescription(purpose, "eHealth certificate", textsFor(Language::Fr)),
            "Medidoc demande de vous connecter à eHealth pour le patient 78031215280. PIN du certificat eHealth de "
            "Alice SPECIMEN (1 essai restant)");
  purpose.action = textsFor(Language::De).get("action.login");
  purpose.tries_left = 3;
  EXPECT_EQ(pinDescription(purpose, "eID", textsFor(Language::De)),
            "Medidoc bittet darum, Sie bei eHealth anzumelden (Patient 78031215280). PIN für die eID von Alice SPECIMEN "
            "(noch 3 Versuche)");
  EXPECT_EQ(pinTitle("eID", textsFor(Language::Fr)), "ehagent : PIN de la carte eID");
}

TEST(Texts, TheLanguageFromTheConfigTheLocaleOrTheBrowser) {
  EXPECT_EQ(parseLanguage("nl"), Language::Nl);
  EXPECT_EQ(parseLanguage("fr_BE.UTF-8"), Language::Fr);
  EXPECT_EQ(parseLanguage("de-BE"), Language::De);
  EXPECT_EQ(parseLanguage("C.UTF-8"), std::nullopt);
  EXPECT_EQ(parseLanguage("nlx"), std::nullopt);
  EXPECT_EQ(fromAcceptLanguage("es-ES, fr-BE;q=0.9, en;q=0.8"), Language::Fr);
  EXPECT_EQ(fromAcceptLanguage("es, it"), std::nullopt);
}

}  // namespace
}  // namespace ehagent::agent
