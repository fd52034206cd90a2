#pragma once
// The Assuan protocol as pinentry speaks it, without any I/O so that it can be unit-tested and
// fuzzed: percent-escaping for command arguments, and a parser for one response (the lines a
// server sends after a command, up to the OK, ERR or INQUIRE that ends it). Data lines are decoded
// straight into a Secret, because the data pinentry sends back is the PIN.
#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "core/secret.hpp"

namespace ehagent::agent::assuan {

// Assuan lines are at most 1000 bytes, the line feed included.
inline constexpr std::size_t max_line_bytes = 1000;

// The libgpg-error codes pinentry uses (the low 16 bits of an ERR code; the high bits name the
// source, 5 for pinentry, so "ERR 83886179" is source 5, code 99).
inline constexpr unsigned gpg_err_canceled = 99;
inline constexpr unsigned gpg_err_not_confirmed = 114;
inline constexpr unsigned gpg_err_fully_canceled = 198;
inline constexpr unsigned gpg_err_ass_canceled = 277;
[[nodiscard]] constexpr unsigned errorCodeOf(unsigned long err) noexcept { return err & 0xFFFFu; }
[[nodiscard]] constexpr bool isCancel(unsigned long err) noexcept {
  const unsigned code = errorCodeOf(err);
  return code == gpg_err_canceled || code == gpg_err_fully_canceled || code == gpg_err_ass_canceled;
}

class ProtocolError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Escapes '%', CR, LF and every other control byte as %XX, so that the text is one command line.
[[nodiscard]] std::string escape(std::string_view text);

// Undoes escape() for any %XX; throws ProtocolError on a malformed escape.
[[nodiscard]] std::string unescape(std::string_view text);

// Decodes percent-escaped data and appends it to out, never through an intermediate string.
// Throws ProtocolError on a malformed escape and std::length_error when out is full.
void decodeInto(std::string_view escaped, Secret& out);

// A command line ready to write: "NAME" or "NAME <escaped argument>", newline included.
[[nodiscard]] std::string command(std::string_view name, std::string_view argument = {});

enum class Outcome { Pending, Ok, Err, Inquire };

// One response, fed line by line (without the line feed) until done().
class Response {
 public:
  // Returns true when this line ended the response. Throws ProtocolError on a line that is not
  // Assuan, a line after the end, or an over-long line.
  bool feed(std::string_view line);

  [[nodiscard]] bool done() const noexcept { return outcome_ != Outcome::Pending; }
  [[nodiscard]] Outcome outcome() const noexcept { return outcome_; }
  // "OK <text>", "ERR <code> <text>" or "INQUIRE <keyword> <args>": the text after the code.
  [[nodiscard]] const std::string& text() const noexcept { return text_; }
  [[nodiscard]] unsigned long errorCode() const noexcept { return error_code_; }
  // Every D line so far, decoded and concatenated.
  [[nodiscard]] Secret& data() noexcept { return data_; }
  // "S" lines as sent (keyword and arguments, still escaped).
  [[nodiscard]] const std::vector<std::string>& status() const noexcept { return status_; }

 private:
  Outcome outcome_ = Outcome::Pending;
  std::string text_;
  unsigned long error_code_ = 0;
  Secret data_;
  std::vector<std::string> status_;
};

}  // namespace ehagent::agent::assuan
