#pragma once
// A Signer that writes the "started" audit row of the signature it makes: queued with the SHA-256
// of the bytes just before the key signs, so that the row's fsync overlaps the card's work, and
// waited for before the signature is handed back, so that no answer leaves without its row.
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "agent/store/audit.hpp"
#include "core/digest.hpp"
#include "tokens/sign/signer.hpp"

namespace ehagent::agent {

class AuditedSigner final : public tokens::Signer {
 public:
  AuditedSigner(tokens::Signer& key, std::shared_ptr<SignatureAudit> audit) : key_(key), audit_(std::move(audit)) {}

  std::vector<std::uint8_t> sign(std::span<const std::uint8_t> data, tokens::SignatureAlgorithm alg) override {
    audit_->start(sha256Hex(std::string_view(reinterpret_cast<const char*>(data.data()), data.size())));
    std::vector<std::uint8_t> signature = key_.sign(data, alg);
    audit_->durable();
    return signature;
  }
  const certs::Certificate& certificate() const override { return key_.certificate(); }
  tokens::SignatureAlgorithm defaultAlgorithm() const override { return key_.defaultAlgorithm(); }

 private:
  tokens::Signer& key_;
  std::shared_ptr<SignatureAudit> audit_;
};

}  // namespace ehagent::agent
