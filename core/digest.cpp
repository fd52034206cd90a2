#include "core/digest.hpp"

#include <openssl/evp.h>

#include "core/error.hpp"

namespace ehagent {
namespace {

Bytes digest(const EVP_MD* md, std::span<const std::uint8_t> data) {
  Bytes out(EVP_MAX_MD_SIZE);
  unsigned int length = 0;
  if (EVP_Digest(data.data(), data.size(), out.data(), &length, md, nullptr) != 1) {
    throw Error("crypto_error", "the digest failed");
  }
  out.resize(length);
  return out;
}

const EVP_MD* md(DigestAlgorithm algorithm) noexcept {
  switch (algorithm) {
    case DigestAlgorithm::Sha1: return EVP_sha1();
    case DigestAlgorithm::Sha256: return EVP_sha256();
    case DigestAlgorithm::Sha384: return EVP_sha384();
    case DigestAlgorithm::Sha512: return EVP_sha512();
  }
  return EVP_sha256();
}

}  // namespace

Bytes digestOf(DigestAlgorithm algorithm, std::span<const std::uint8_t> data) { return digest(md(algorithm), data); }
std::size_t digestSize(DigestAlgorithm algorithm) noexcept {
  return static_cast<std::size_t>(EVP_MD_get_size(md(algorithm)));
}

Bytes sha256(std::span<const std::uint8_t> data) { return digest(EVP_sha256(), data); }
Bytes sha384(std::span<const std::uint8_t> data) { return digest(EVP_sha384(), data); }
Bytes sha512(std::span<const std::uint8_t> data) { return digest(EVP_sha512(), data); }
std::string sha256Hex(std::string_view data) { return toHex(sha256(asBytes(data))); }

}  // namespace ehagent
