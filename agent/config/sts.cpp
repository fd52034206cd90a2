#include "agent/config/sts.hpp"
#include "core/file.hpp"

#include <fstream>
#include <sstream>

#include "agent/config/config.hpp"
#include "agent/config/readers.hpp"
#include "core/error.hpp"

namespace ehagent::agent {
namespace {

using namespace config_read;

std::vector<certs::Certificate> readTrust(const std::string& path) {
  const auto pem = readFile(path);
  if (!pem) throw ConfigError("sts.trust: cannot read " + path);
  try {
    auto found = certs::Certificate::allFromPem(*pem);
    if (found.empty()) throw ConfigError("sts.trust: no PEM certificate in " + path);
    return found;
  } catch (const ehagent::Error& e) {
    throw ConfigError("sts.trust: " + path + ": " + e.what());
  }
}

}  // namespace

StsSettings readStsSection(const toml::node& node) {
  const toml::table& section = table(node, "sts");
  onlyKnownKeys(section, "sts",
                {"endpoint", "token_lifetime_seconds", "trust", "ca_file", "ca_dir", "connect_timeout_ms",
                 "read_timeout_ms", "connect_attempts", "profession", "profiles_file", "persist_tokens",
                 "allow_plain_loopback"});
  StsSettings out;
  auto& client = out.client;
  auto& http = client.http;
  constexpr std::int64_t kDay = 86400;
  for (const auto& [name, value] : section) {
    const std::string key = "sts." + std::string(name.str());
    if (name == "endpoint") {
      client.endpoint = text(value, key);
    } else if (name == "token_lifetime_seconds") {
      client.token_lifetime = std::chrono::seconds(integer(value, key, 1, 30 * kDay));
    } else if (name == "trust") {
      for (const std::string& path : texts(value, key)) {
        for (auto& cert : readTrust(path)) client.sts_trust.push_back(std::move(cert));
      }
    } else if (name == "ca_file") {
      http.ca_file = text(value, key);
    } else if (name == "ca_dir") {
      http.ca_dir = text(value, key);
    } else if (name == "connect_timeout_ms") {
      http.connect_timeout = std::chrono::milliseconds(integer(value, key, 1, 600'000));
    } else if (name == "read_timeout_ms") {
      http.read_timeout = std::chrono::milliseconds(integer(value, key, 1, 600'000));
    } else if (name == "connect_attempts") {
      http.connect_attempts = static_cast<int>(integer(value, key, 1, 10));
    } else if (name == "profession") {
      out.profession = text(value, key);
    } else if (name == "profiles_file") {
      out.profiles_file = text(value, key);
    } else if (name == "persist_tokens") {
      out.persist_tokens = flag(value, key);
    } else if (name == "allow_plain_loopback") {
      http.allow_plain_loopback = flag(value, key);
    }
  }
  if (client.sts_trust.empty()) {
    throw ConfigError("config key 'sts.trust' is required: it names the STS signing certificate(s)");
  }
  try {
    tokens::Url::parse(client.endpoint);  // a malformed endpoint fails now, not at the first login
  } catch (const std::exception& e) {
    throw ConfigError("sts.endpoint: " + std::string(e.what()));
  }
  try {
    const auto profiles = out.profiles_file.empty() ? tokens::StsProfiles::builtin()
                                                    : tokens::StsProfiles::fromFile(out.profiles_file);
    static_cast<void>(profiles.profile(out.profession));
  } catch (const ehagent::Error& e) {
    throw ConfigError("sts.profession / sts.profiles_file: " + std::string(e.what()));
  }
  return out;
}

}  // namespace ehagent::agent
