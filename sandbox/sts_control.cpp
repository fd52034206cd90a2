#include "sandbox/sts_control.hpp"
#include "core/file.hpp"

#include <algorithm>
#include <array>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

namespace ehagent::sandbox {

StsControl StsControl::fromJson(std::string_view text) {
  const auto doc = nlohmann::json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) throw std::invalid_argument("STS control: not a JSON object");
  StsControl control;
  try {
    control.mode = doc.value("mode", control.mode);
    control.delay_ms = doc.value("delay_ms", 0);
    control.fail_percent = doc.value("fail_percent", 0);
    control.challenge = doc.value("challenge", true);
    if (doc.contains("lifetime_seconds")) control.lifetime_seconds = doc["lifetime_seconds"].get<int>();
  } catch (const nlohmann::json::exception& e) {
    throw std::invalid_argument(std::string("STS control: ") + e.what());
  }
  constexpr std::array<std::string_view, 6> modes{"normal", "fault", "bad_signature", "wrong_ssin", "slow", "drop"};
  if (std::find(modes.begin(), modes.end(), control.mode) == modes.end()) {
    throw std::invalid_argument("STS control: unknown mode '" + control.mode + "'");
  }
  if (control.delay_ms < 0 || control.fail_percent < 0 || control.fail_percent > 100 ||
      (control.lifetime_seconds && *control.lifetime_seconds <= 0)) {
    throw std::invalid_argument("STS control: a number is out of range");
  }
  return control;
}

StsControl StsControl::fromFile(const std::filesystem::path& file) {
  const auto text = readFile(file);
  if (!text || text->find_first_not_of(" \t\r\n") == std::string::npos) return {};
  return fromJson(*text);
}

}  // namespace ehagent::sandbox
