#pragma once
// The sandbox STS: the eHealth SecurityTokenService on the sandbox server. It checks what the
// real one checks (the WS-Security signature, a BST that chains to the Citizen CA or, in
// fallback mode, to the eHealth CA, the SSIN of the signer against the claims), challenges a
// signer that is not the UseKey, and issues a signed SAML 1.1 assertion from its practitioner
// table. It misbehaves on demand (sts_control.hpp).
#include <atomic>
#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "certs/certificate.hpp"
#include "sandbox/practitioners.hpp"
#include "sandbox/server.hpp"
#include "sandbox/sts_control.hpp"
#include "tokens/sign/signer.hpp"
#include "tokens/sts/profiles.hpp"

namespace ehagent::sandbox {

inline constexpr const char* kStsPath = "/IAM/SecurityTokenService/v1";
inline constexpr const char* kStsAdminPath = "/admin/sts/control";

struct StsServiceOptions {
  std::vector<certs::Certificate> client_trust;  // Citizen CA chain and eHealth CA
  std::shared_ptr<tokens::Signer> sts_signer;    // signs the assertions
  Practitioners practitioners = Practitioners::builtin();
  std::filesystem::path control_file;  // optional
  std::chrono::seconds max_lifetime{std::chrono::hours(24)};
};

class StsService {
 public:
  explicit StsService(StsServiceOptions options);

  Response handle(const Request& request);
  Response handleAdmin(const Request& request);  // POST the control JSON; DELETE resets
  void registerWith(Server& server, const std::string& path = kStsPath);

  [[nodiscard]] int calls() const noexcept { return calls_.load(); }

  struct Pending;  // a request waiting for its challenge answer

 private:
  StsControl control() const;
  Response answer(const Request& request, const StsControl& control);
  Response issueFor(const struct IssueWish& wish, const StsControl& control);

  StsServiceOptions options_;
  mutable std::mutex mutex_;
  std::optional<StsControl> admin_control_;
  std::map<std::string, std::shared_ptr<Pending>> pending_;  // by challenge
  std::atomic<int> calls_{0};
};

}  // namespace ehagent::sandbox
