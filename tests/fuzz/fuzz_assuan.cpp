// The pinentry (Assuan) response parser: the input is what a pinentry program writes back, split
// into lines. Also checks that escape() and unescape() are inverse on any bytes.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <string_view>

#include "agent/pin/assuan.hpp"

namespace assuan = ehagent::agent::assuan;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  assuan::Response response;
  std::size_t start = 0;
  try {
    while (start <= input.size()) {
      const std::size_t end = input.find('\n', start);
      const std::string_view line =
          input.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
      if (response.feed(line)) break;
      if (end == std::string_view::npos) break;
      start = end + 1;
    }
  } catch (const assuan::ProtocolError&) {
    // A refused line is the expected answer to garbage.
  } catch (const std::length_error&) {
    // D lines beyond the Secret's capacity: refused, never truncated silently.
  }

  try {
    (void)assuan::unescape(input);
  } catch (const assuan::ProtocolError&) {
  }
  if (assuan::unescape(assuan::escape(input)) != input) std::abort();
  try {
    const std::string line = assuan::command("SETDESC", input);
    if (line.find('\n') != line.size() - 1) std::abort();  // one command, one line
  } catch (const assuan::ProtocolError&) {
    // Over 1000 bytes once escaped: refused rather than split.
  }
  return 0;
}
