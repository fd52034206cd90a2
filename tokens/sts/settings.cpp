#include "tokens/sts/settings.hpp"

#include <fstream>
#include <set>
#include <sstream>

#include "tokens/error.hpp"

namespace ehagent::tokens {
namespace {

template <class T>
T read(const nlohmann::json& section, const char* key, T fallback) {
  if (!section.contains(key)) return fallback;
  try {
    return section.at(key).get<T>();
  } catch (const nlohmann::json::exception&) {
    throw Error("invalid_input", std::string("[sts] ") + key + " has the wrong type");
  }
}

std::string readPemFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read the file");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

int positive(const nlohmann::json& section, const char* key, int fallback) {
  const int value = read<int>(section, key, fallback);
  if (value <= 0) throw Error("invalid_input", std::string("[sts] ") + key + " must be positive");
  return value;
}

}  // namespace

StsSettings stsSettingsFromJson(const nlohmann::json& section) {
  if (!section.is_null() && !section.is_object()) throw Error("invalid_input", "[sts] must be a table");
  static const std::set<std::string> known = {"endpoint",        "token_lifetime_seconds", "trust",
                                              "ca_file",         "ca_dir",                 "connect_timeout_ms",
                                              "read_timeout_ms", "connect_attempts",       "profession",
                                              "profiles_file",   "persist_tokens",         "allow_plain_loopback"};
  if (section.is_object()) {
    for (const auto& [key, value] : section.items()) {
      if (!known.contains(key)) throw Error("invalid_input", "[sts] has no key named '" + key + "'");
    }
  }
  const nlohmann::json s = section.is_null() ? nlohmann::json::object() : section;
  StsSettings out;
  out.client.endpoint = read<std::string>(s, "endpoint", out.client.endpoint);
  Url::parse(out.client.endpoint);  // refuses a malformed endpoint now, not at the first login
  out.client.token_lifetime = std::chrono::seconds(positive(s, "token_lifetime_seconds", 86400));
  const auto trust = read<std::vector<std::string>>(s, "trust", {});
  if (trust.empty()) throw Error("invalid_input", "[sts] trust must name the STS signing certificate(s)");
  for (const auto& path : trust) {
    try {
      auto certs = certs::Certificate::allFromPem(readPemFile(path));
      if (certs.empty()) throw std::runtime_error("no PEM certificate in it");
      for (auto& cert : certs) out.client.sts_trust.push_back(std::move(cert));
    } catch (const std::exception& e) {
      throw Error("invalid_input", "[sts] trust: " + path + ": " + e.what());
    }
  }
  out.client.http.ca_file = read<std::string>(s, "ca_file", "");
  out.client.http.ca_dir = read<std::string>(s, "ca_dir", "");
  out.client.http.connect_timeout = std::chrono::milliseconds(positive(s, "connect_timeout_ms", 5000));
  out.client.http.read_timeout = std::chrono::milliseconds(positive(s, "read_timeout_ms", 30000));
  out.client.http.connect_attempts = positive(s, "connect_attempts", 3);
  out.client.http.allow_plain_loopback = read<bool>(s, "allow_plain_loopback", false);
  out.profession = read<std::string>(s, "profession", "doctor");
  out.profiles_file = read<std::string>(s, "profiles_file", "");
  out.persist_tokens = read<bool>(s, "persist_tokens", false);
  const auto& profiles = out.profiles_file.empty() ? StsProfiles::builtin() : StsProfiles::fromFile(out.profiles_file);
  static_cast<void>(profiles.profile(out.profession));  // an unknown profession fails at start-up
  return out;
}

}  // namespace ehagent::tokens
