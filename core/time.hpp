#pragma once
// Time as the project writes and reads it: xsd:dateTime (RFC 3339) in UTC, dates, and strftime
// forms in UTC or local time. Parsing throws Error("invalid_input").
#include <chrono>
#include <string>
#include <string_view>

namespace ehagent {

using Clock = std::chrono::system_clock;

// 2024-01-31T12:34:56.789Z
std::string formatDateTime(Clock::time_point t);
// An xsd:dateTime / RFC 3339 time: a date, 'T', a time with optional fraction, and 'Z' or an
// offset (+01:00). A time without a zone is refused: it is ambiguous.
Clock::time_point parseDateTime(std::string_view text);

// strftime(format) of the time in UTC / in the machine's time zone ("%Y-%m-%d", "%H:%M:%S").
std::string formatUtc(Clock::time_point t, const char* format);
std::string formatLocal(Clock::time_point t, const char* format);
// 2024-01-31
std::string formatDate(std::chrono::year_month_day date);

}  // namespace ehagent
