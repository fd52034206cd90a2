#pragma once
// How the sandbox STS is told to misbehave in tests: a JSON control file read on every call,
// or the same JSON posted to the admin endpoint (which then wins over the file).
//   {"mode": "normal|fault|bad_signature|wrong_ssin|slow|drop", "delay_ms": 2000,
//    "lifetime_seconds": 10, "fail_percent": 50, "challenge": true}
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace ehagent::sandbox {

struct StsControl {
  std::string mode = "normal";
  int delay_ms = 0;                      // "slow": answer this much later
  std::optional<int> lifetime_seconds;   // caps the token lifetime (renewal tests)
  int fail_percent = 0;                  // this share of calls gets a SOAP fault
  bool challenge = true;                 // send a SignChallenge when the signer is not the UseKey

  // Throws std::invalid_argument for unknown modes or out-of-range numbers.
  static StsControl fromJson(std::string_view text);
  // An absent or empty file gives the defaults.
  static StsControl fromFile(const std::filesystem::path& file);
};

}  // namespace ehagent::sandbox
