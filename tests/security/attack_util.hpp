#pragma once
// Shared by the attack tests: string surgery on signed XML, and running a verifier so that a test
// can compare the refusal code it gets with the one it expects ("ok" when nothing was refused).
#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "tokens/error.hpp"

namespace ehagent::security {

// The result of `fn` as a word: "ok", or the tokens::Error code, or "crash:<what>" for any
// other exception (a verifier must only ever throw its typed errors).
inline std::string verdict(const std::function<void()>& fn) {
  try {
    fn();
    return "ok";
  } catch (const tokens::Error& e) {
    return e.code();
  } catch (const std::exception& e) {
    return std::string("crash:") + e.what();
  }
}

// Replaces the first occurrence of `from` with `to`; throws when `from` is absent, so that a test
// whose surgery misses fails loudly instead of testing the untouched document.
inline std::string replaceOnce(std::string text, std::string_view from, std::string_view to) {
  const auto at = text.find(from);
  if (at == std::string::npos) throw std::runtime_error("test surgery: '" + std::string(from) + "' not found");
  text.replace(at, from.size(), to);
  return text;
}

// The text from the first `open` to the end of the first `close` after it.
inline std::string slice(const std::string& text, std::string_view open, std::string_view close) {
  const auto begin = text.find(open);
  if (begin == std::string::npos) throw std::runtime_error("test surgery: '" + std::string(open) + "' not found");
  const auto end = text.find(close, begin);
  if (end == std::string::npos) throw std::runtime_error("test surgery: '" + std::string(close) + "' not found");
  return text.substr(begin, end + close.size() - begin);
}

inline std::string insertBefore(std::string text, std::string_view anchor, std::string_view what) {
  const auto at = text.find(anchor);
  if (at == std::string::npos) throw std::runtime_error("test surgery: '" + std::string(anchor) + "' not found");
  text.insert(at, what);
  return text;
}

}  // namespace ehagent::security
