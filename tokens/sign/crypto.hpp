#pragma once
// Hashes, signature verification against a certificate, and the ECDSA signature encodings.
// Public API without OpenSSL headers.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "certs/certificate.hpp"
#include "tokens/sign/signer.hpp"

#include "core/bytes.hpp"
#include "core/digest.hpp"

namespace ehagent::tokens {

using ehagent::Bytes;


// The digest an algorithm signs over (SHA-256 or SHA-384).
Bytes digestFor(SignatureAlgorithm alg, std::span<const std::uint8_t> data);

// ECDSA-Sig-Value (DER SEQUENCE of r, s) <-> raw r||s, each half `half_bytes` long
// (32 for P-256, 48 for P-384, 66 for P-521). Throw crypto_error on malformed input.
Bytes ecdsaDerToRaw(std::span<const std::uint8_t> der, std::size_t half_bytes);
Bytes ecdsaRawToDer(std::span<const std::uint8_t> raw);
// The half length for the curve of an EC certificate's key.
std::size_t ecdsaHalfBytes(const certs::Certificate& cert);

// True when `signature` (raw r||s for ECDSA) over `data` verifies with the certificate's public
// key. False for a wrong signature; throws unsupported_algorithm when the key type does not fit
// the algorithm.
bool verifySignature(const certs::Certificate& cert, std::span<const std::uint8_t> data,
                     std::span<const std::uint8_t> signature, SignatureAlgorithm alg);

}  // namespace ehagent::tokens
