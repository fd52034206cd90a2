#pragma once
// The digests the project computes (OpenSSL's EVP). Throw Error("crypto_error") if OpenSSL fails.
#include <span>
#include <string>
#include <string_view>

#include "core/bytes.hpp"

namespace ehagent {

enum class DigestAlgorithm { Sha1, Sha256, Sha384, Sha512 };

Bytes digestOf(DigestAlgorithm algorithm, std::span<const std::uint8_t> data);
std::size_t digestSize(DigestAlgorithm algorithm) noexcept;

Bytes sha256(std::span<const std::uint8_t> data);
Bytes sha384(std::span<const std::uint8_t> data);
Bytes sha512(std::span<const std::uint8_t> data);
// SHA-256 in lower-case hex: the audit log's and the client store's form.
std::string sha256Hex(std::string_view data);

}  // namespace ehagent
