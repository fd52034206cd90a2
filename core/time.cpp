#include "core/time.hpp"

#include <cstdio>
#include <ctime>

#include "core/error.hpp"

namespace ehagent {

std::string formatDateTime(Clock::time_point t) {
  using namespace std::chrono;
  const auto ms = floor<milliseconds>(t);
  const auto day = floor<days>(ms);
  const year_month_day ymd{day};
  const hh_mm_ss hms{ms - day};
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", int(ymd.year()), unsigned(ymd.month()),
                unsigned(ymd.day()), int(hms.hours().count()), int(hms.minutes().count()),
                int(hms.seconds().count()), int(hms.subseconds().count()));
  return buf;
}

Clock::time_point parseDateTime(std::string_view text) {
  using namespace std::chrono;
  const auto bad = [&]() -> Error { return Error("invalid_input", "not an xsd:dateTime: '" + std::string(text) + "'"); };
  std::size_t pos = 0;
  const auto number = [&](std::size_t digits) {
    int v = 0;
    for (std::size_t i = 0; i < digits; ++i, ++pos) {
      if (pos >= text.size() || text[pos] < '0' || text[pos] > '9') throw bad();
      v = v * 10 + (text[pos] - '0');
    }
    return v;
  };
  const auto expect = [&](char c) {
    if (pos >= text.size() || text[pos++] != c) throw bad();
  };
  const int y = number(4);
  expect('-');
  const int mo = number(2);
  expect('-');
  const int d = number(2);
  expect('T');
  const int h = number(2);
  expect(':');
  const int mi = number(2);
  expect(':');
  const int s = number(2);
  long long micros = 0;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    int digits = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      if (digits++ < 6) micros = micros * 10 + (text[pos] - '0');
      ++pos;
    }
    if (digits == 0) throw bad();
    for (; digits < 6; ++digits) micros *= 10;
  }
  int offset_minutes = 0;
  if (pos < text.size() && text[pos] == 'Z') {
    ++pos;
  } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    const int sign = text[pos++] == '-' ? -1 : 1;
    const int oh = number(2);
    expect(':');
    offset_minutes = sign * (oh * 60 + number(2));
  } else {
    throw bad();  // a time without a zone is ambiguous; eHealth always sends one
  }
  if (pos != text.size()) throw bad();
  const year_month_day ymd{year(y), month(unsigned(mo)), day(unsigned(d))};
  if (!ymd.ok() || h > 23 || mi > 59 || s > 60) throw bad();
  return sys_days(ymd) + hours(h) + minutes(mi - offset_minutes) + seconds(s) + microseconds(micros);
}

namespace {

std::string format(const std::tm& tm, const char* format) {
  char buffer[64];
  const std::size_t n = std::strftime(buffer, sizeof buffer, format, &tm);
  return {buffer, n};
}

}  // namespace

std::string formatUtc(Clock::time_point t, const char* format_text) {
  const std::time_t seconds = Clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  return format(tm, format_text);
}

std::string formatLocal(Clock::time_point t, const char* format_text) {
  const std::time_t seconds = Clock::to_time_t(t);
  std::tm tm{};
  localtime_r(&seconds, &tm);
  return format(tm, format_text);
}

std::string formatDate(std::chrono::year_month_day date) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02u", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
  return buffer;
}

}  // namespace ehagent
