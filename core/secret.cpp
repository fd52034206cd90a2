#include "core/secret.hpp"

#include <openssl/crypto.h>

namespace ehagent {

Secret& Secret::operator=(Secret&& other) noexcept {
  if (this != &other) {
    wipe();
    bytes_ = std::move(other.bytes_);
    other.bytes_.clear();
  }
  return *this;
}

void Secret::append(std::string_view text) {
  if (bytes_.capacity() == 0) bytes_.reserve(capacity_bytes);
  if (bytes_.size() + text.size() > bytes_.capacity()) {
    throw std::length_error("secret is longer than the reserved buffer");
  }
  bytes_.insert(bytes_.end(), text.begin(), text.end());
}

void Secret::wipe() noexcept {
  if (bytes_.capacity() > 0) OPENSSL_cleanse(bytes_.data(), bytes_.capacity());
  bytes_.clear();
}

}  // namespace ehagent
