#include "hubs/checks.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "certs/identifiers.hpp"

namespace ehagent::hubs {
namespace {

bool allDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}

int number(std::string_view s) {
  int v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

}  // namespace

void checkSsin(std::string_view pointer, std::string_view ssin) {
  if (ssin.size() != 11 || !allDigits(ssin)) {
    throw InvalidField(std::string(pointer), "an SSIN has 11 digits");
  }
  if (!certs::isValidSsin(ssin)) {
    throw InvalidField(std::string(pointer), "the SSIN fails its mod-97 check");
  }
}

void checkNihii(std::string_view pointer, std::string_view nihii) {
  // Only the shape is enforced: the check-digit rule known here does not cover every number
  // RIZIV/INAMI issues (certs/identifiers.cpp), and refusing a real practitioner's NIHII would
  // block every hub call. The certificate profile reports a mismatch as a warning instead.
  if (!certs::isWellFormedNihii(nihii)) {
    throw InvalidField(std::string(pointer), "a NIHII number has 8 or 11 digits");
  }
}

std::chrono::sys_days checkDate(std::string_view pointer, std::string_view date) {
  using namespace std::chrono;
  const bool shape = date.size() == 10 && date[4] == '-' && date[7] == '-' &&
                     allDigits(date.substr(0, 4)) && allDigits(date.substr(5, 2)) &&
                     allDigits(date.substr(8, 2));
  if (!shape) throw InvalidField(std::string(pointer), "a date is written YYYY-MM-DD");
  const year_month_day ymd{year{number(date.substr(0, 4))},
                           month{static_cast<unsigned>(number(date.substr(5, 2)))},
                           day{static_cast<unsigned>(number(date.substr(8, 2)))}};
  if (!ymd.ok() || ymd.year() < year{1900}) {
    throw InvalidField(std::string(pointer), "not a calendar date");
  }
  return sys_days{ymd};
}

void checkDateOrder(std::string_view startPointer, std::string_view start,
                    std::string_view endPointer, std::string_view end) {
  const auto s = checkDate(startPointer, start);
  const auto e = checkDate(endPointer, end);
  if (!(s < e)) throw InvalidField(std::string(endPointer), "the end date must come after the start date");
}

void checkPatient(std::string_view pointer, const PatientRef& patient) {
  const std::string base(pointer);
  checkSsin(base + "/ssin", patient.ssin);
  if (patient.cardKind != CardKind::None) {
    const auto& n = patient.cardNumber;
    // eID card numbers are 12 digits (the older ones 9 + 3), ISI+ numbers 10 digits.
    const bool ok = !n.empty() && n.size() <= 16 &&
                    std::all_of(n.begin(), n.end(), [](unsigned char c) { return std::isalnum(c); });
    if (!ok) throw InvalidField(base + "/card_number", "a card number is up to 16 letters or digits");
  }
}

void checkAuthor(const RequestAuthor& author) {
  const auto& p = author.practitioner;
  checkNihii("/practitioner/nihii", p.nihii);
  if (p.nihii.size() != 11) {
    throw InvalidField("/practitioner/nihii", "the request author needs the 11-digit NIHII number");
  }
  checkSsin("/practitioner/ssin", p.ssin);
  if (p.hcpartyCode.empty()) throw InvalidField("/practitioner/profession", "the profession is unknown");
  if (author.software.name.empty() || author.software.name.size() > 200) {
    throw InvalidField("/software/name", "the client application has no usable registered name");
  }
  if (author.software.version.size() > 100) {
    throw InvalidField("/software/version", "the client application version is too long");
  }
}

}  // namespace ehagent::hubs
