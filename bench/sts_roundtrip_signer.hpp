#pragma once
// A Signer that times the Signer it wraps (for the benchmark: the token's own C_Sign against the
// agent's work around it).
#include <chrono>

#include "tokens/sign/signer.hpp"

namespace ehagent::bench {

class TimedSigner final : public tokens::Signer {
 public:
  explicit TimedSigner(tokens::Signer& inner) : inner_(inner) {}

  std::vector<std::uint8_t> sign(std::span<const std::uint8_t> data, tokens::SignatureAlgorithm alg) override {
    const auto start = std::chrono::steady_clock::now();
    auto signature = inner_.sign(data, alg);
    sign_time += std::chrono::steady_clock::now() - start;
    ++signs;
    return signature;
  }
  const certs::Certificate& certificate() const override { return inner_.certificate(); }
  tokens::SignatureAlgorithm defaultAlgorithm() const override { return inner_.defaultAlgorithm(); }

  std::chrono::steady_clock::duration sign_time{};
  int signs = 0;

 private:
  tokens::Signer& inner_;
};

}  // namespace ehagent::bench
