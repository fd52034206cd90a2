#pragma once
// A PIN or password in memory. The buffer is reserved up front so that appending never
// reallocates (a reallocation would leave an unwiped copy behind), and it is wiped with
// OPENSSL_cleanse, which the compiler may not optimise away, when the Secret dies.
#include <cstddef>
#include <stdexcept>
#include <string_view>
#include <vector>

namespace ehagent {

class Secret {
 public:
  static constexpr std::size_t capacity_bytes = 256;

  Secret() { bytes_.reserve(capacity_bytes); }
  explicit Secret(std::string_view text) : Secret() { append(text); }
  Secret(const Secret&) = delete;
  Secret& operator=(const Secret&) = delete;
  Secret(Secret&& other) noexcept : bytes_(std::move(other.bytes_)) { other.bytes_.clear(); }
  Secret& operator=(Secret&& other) noexcept;
  ~Secret() { wipe(); }

  // Throws std::length_error instead of growing: a PIN or password longer than this is refused.
  void append(std::string_view text);
  void push_back(char c) { append(std::string_view(&c, 1)); }
  void wipe() noexcept;

  [[nodiscard]] std::string_view view() const noexcept { return {bytes_.data(), bytes_.size()}; }
  [[nodiscard]] const char* data() const noexcept { return bytes_.data(); }
  [[nodiscard]] std::size_t size() const noexcept { return bytes_.size(); }
  [[nodiscard]] bool empty() const noexcept { return bytes_.empty(); }

 private:
  std::vector<char> bytes_;
};

}  // namespace ehagent
