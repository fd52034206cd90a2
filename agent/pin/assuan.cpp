#include "agent/pin/assuan.hpp"

#include <charconv>

namespace ehagent::agent::assuan {
namespace {

int hexValue(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Calls sink(byte) for each decoded byte, so the PIN never lands in a temporary string.
template <typename Sink>
void decode(std::string_view escaped, Sink&& sink) {
  for (std::size_t i = 0; i < escaped.size(); ++i) {
    if (escaped[i] != '%') {
      sink(escaped[i]);
      continue;
    }
    const int high = i + 2 < escaped.size() ? hexValue(escaped[i + 1]) : -1;
    const int low = i + 2 < escaped.size() ? hexValue(escaped[i + 2]) : -1;
    if (high < 0 || low < 0) throw ProtocolError("malformed percent escape in an Assuan line");
    sink(static_cast<char>(high * 16 + low));
    i += 2;
  }
}

bool startsWithWord(std::string_view line, std::string_view word) {
  return line.substr(0, word.size()) == word && (line.size() == word.size() || line[word.size()] == ' ');
}

std::string_view afterWord(std::string_view line, std::string_view word) {
  return line.size() > word.size() ? line.substr(word.size() + 1) : std::string_view{};
}

}  // namespace

std::string escape(std::string_view text) {
  static constexpr char digits[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '%' || byte < 0x20 || byte == 0x7F) {
      out += '%';
      out += digits[byte >> 4];
      out += digits[byte & 0x0F];
    } else {
      out += c;
    }
  }
  return out;
}

std::string unescape(std::string_view text) {
  std::string out;
  decode(text, [&](char c) { out += c; });
  return out;
}

void decodeInto(std::string_view escaped, Secret& out) {
  decode(escaped, [&](char c) { out.push_back(c); });
}

std::string command(std::string_view name, std::string_view argument) {
  std::string line(name);
  if (!argument.empty()) {
    line += ' ';
    line += escape(argument);
  }
  if (line.size() + 1 > max_line_bytes) {
    throw ProtocolError("Assuan command " + std::string(name) + " is longer than 1000 bytes");
  }
  line += '\n';
  return line;
}

bool Response::feed(std::string_view line) {
  if (done()) throw ProtocolError("Assuan line after the end of the response");
  if (line.size() + 1 > max_line_bytes) throw ProtocolError("Assuan line longer than 1000 bytes");
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (line.empty() || line.front() == '#') return false;  // comments may appear anywhere
  if (startsWithWord(line, "D")) {
    decodeInto(afterWord(line, "D"), data_);
    return false;
  }
  if (startsWithWord(line, "S")) {
    status_.emplace_back(afterWord(line, "S"));
    return false;
  }
  if (startsWithWord(line, "OK")) {
    outcome_ = Outcome::Ok;
    text_ = afterWord(line, "OK");
    return true;
  }
  if (startsWithWord(line, "INQUIRE")) {
    const std::string_view keyword = afterWord(line, "INQUIRE");
    if (keyword.empty()) throw ProtocolError("Assuan INQUIRE without a keyword");
    outcome_ = Outcome::Inquire;
    text_ = keyword;
    return true;
  }
  if (startsWithWord(line, "ERR")) {
    const std::string_view rest = afterWord(line, "ERR");
    unsigned long code = 0;
    const auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), code);
    if (ec != std::errc{} || end == rest.data()) throw ProtocolError("Assuan ERR line without a numeric code");
    std::string_view text = rest.substr(static_cast<std::size_t>(end - rest.data()));
    if (!text.empty() && text.front() == ' ') text.remove_prefix(1);
    outcome_ = Outcome::Err;
    error_code_ = code;
    text_ = text;
    return true;
  }
  // The line is never quoted: a misbehaving server might have sent the PIN without its "D ".
  throw ProtocolError("unexpected Assuan line: not OK, ERR, D, S, INQUIRE or a comment");
}

}  // namespace ehagent::agent::assuan
