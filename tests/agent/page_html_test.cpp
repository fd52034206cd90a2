// The status page's HTML in each language: the state board's API words (token kinds, professions,
// certificate names and states, operations, outcomes, problem codes) become the catalog's, and a
// refusal a form post ended on is named; whatever the state holds is escaped.
#include <gtest/gtest.h>

#include "agent/routes/page.hpp"

namespace ehagent::agent {
namespace {

PageView aliceLoggedIn(Language language) {
  PageView view;
  view.language = language;
  view.version = "0.1.0-test";
  view.status = nlohmann::json::parse(R"({
    "readers": [{"reader": "Virtual PCD 00 00", "token": "SPECIMEN eHealth", "kind": "ehealth", "holder": {"name": "Alice SPECIMEN"}}],
    "practitioner": {"name": "Alice SPECIMEN", "nihii": "10000000001", "profession": "DOCTOR", "warnings": [
      {"code": "certificate_expiring", "certificate": "eHealth certificate", "days_left": 12, "not_after": "2026-12-19",
       "detail": "the eHealth certificate expires on 2026-12-19 (in 12 days): renew it"}]},
    "session": {"since": "2026-12-07T08:00:00Z", "token_expires": "2026-12-07T20:00:00Z", "certificates": [
      {"certificate": "eID Authentication certificate", "not_after": "2031-01-01", "expiry": "valid"},
      {"certificate": "eHealth certificate", "not_after": "2026-12-19", "expiry": "expiring"}]}
  })");
  view.audit = nlohmann::json::parse(R"([
    {"time": "2026-12-07T08:05:00Z", "operation": "hub.consent.put", "client": "<Medidoc>", "outcome": "refused",
     "problem_code": "pin_cancelled"},
    {"time": "2026-12-07T08:00:00Z", "operation": "login", "client": "status page", "outcome": "ok"}])");
  view.refused = "pin_incorrect";
  return view;
}

TEST(StatusPageHtml, TheStateBoardsWordsAreSaidInThePagesLanguage) {
  const std::string nl = renderStatusPage(aliceLoggedIn(Language::Nl));
  for (const char* words : {"<html lang=\"nl\"", "eHealth-token", "arts", "Het eHealth-certificaat verloopt op 2026-12-19 (over 12 dagen).",
                            "authenticatiecertificaat van de eID", "verloopt binnenkort", "geldig",
                            "toestemming van de patiënt geregistreerd", "geweigerd (PIN-invoer geannuleerd, pin_cancelled)",
                            "aanmelding", "gelukt", "<p id=\"notice\" class=\"fail\">Onjuiste PIN</p>"}) {
    EXPECT_NE(nl.find(words), std::string::npos) << words << "\n" << nl;
  }
  for (const char* api_word : {"hub.consent.put", ">expiring<", ">doctor<", "(ehealth)", "renew it"}) {
    EXPECT_EQ(nl.find(api_word), std::string::npos) << api_word;
  }
  EXPECT_NE(nl.find("&lt;Medidoc&gt;"), std::string::npos);  // a client's name is escaped, not translated

  const std::string de = renderStatusPage(aliceLoggedIn(Language::De));
  EXPECT_NE(de.find("Das eHealth-Zertifikat läuft am 2026-12-19 ab (in 12 Tagen)."), std::string::npos) << de;
  EXPECT_NE(de.find("Einwilligung des Patienten erfasst"), std::string::npos) << de;
  const std::string en = renderStatusPage(aliceLoggedIn(Language::En));
  EXPECT_NE(en.find("refused (PIN entry cancelled, pin_cancelled)"), std::string::npos) << en;
  EXPECT_NE(en.find("patient consent recorded"), std::string::npos) << en;
}

TEST(StatusPageHtml, OnlyACodeTheCatalogsKnowIsShownAsARefusal) {
  PageView view = aliceLoggedIn(Language::Fr);
  view.refused = "<script>alert(1)</script>";
  const std::string html = renderStatusPage(view);
  EXPECT_NE(html.find("<p id=\"notice\" class=\"fail\"></p>"), std::string::npos) << html;
  EXPECT_EQ(html.find("alert(1)"), std::string::npos);
  view.refused = "pin_cancelled";
  EXPECT_NE(renderStatusPage(view).find(">Saisie du PIN annulée</p>"), std::string::npos) << renderStatusPage(view);
}

}  // namespace
}  // namespace ehagent::agent
