#include "agent/config/revocation.hpp"

#include "certs/error.hpp"

namespace ehagent::agent {
namespace {

[[noreturn]] void wrong(const std::string& key, const std::string& expected) {
  throw ConfigError("config key 'revocation." + key + "' must be " + expected);
}

std::string text(const nlohmann::json& value, const std::string& key) {
  if (!value.is_string()) wrong(key, "a string");
  return value.get<std::string>();
}

bool flag(const nlohmann::json& value, const std::string& key) {
  if (!value.is_boolean()) wrong(key, "true or false");
  return value.get<bool>();
}

std::vector<std::string> texts(const nlohmann::json& value, const std::string& key) {
  if (!value.is_array()) wrong(key, "an array of strings");
  std::vector<std::string> out;
  for (const auto& item : value) out.push_back(text(item, key));
  return out;
}

std::string httpUrl(std::string url, const std::string& key) {
  if (!url.starts_with("http://") && !url.starts_with("https://")) wrong(key, "an http:// or https:// URL");
  return url;
}

}  // namespace

std::filesystem::path revocationCacheFile(const std::filesystem::path& stateDir) {
  return stateDir / "revocation-cache";
}

certs::RevocationOptions revocationOptions(const Config& config, const std::filesystem::path& stateDir) {
  certs::RevocationOptions options;
  bool cache = true;
  const auto it = config.sections.find("revocation");
  if (it != config.sections.end()) {
    for (const auto& [key, value] : it->second.items()) {
      if (key == "policy") {
        try {
          options.policy = certs::parseRevocationPolicy(text(value, key));
        } catch (const certs::Error&) {
          wrong(key, "\"strict\", \"soft-fail\" or \"off\"");
        }
      } else if (key == "ocsp_responder") {
        options.ocspResponder = httpUrl(text(value, key), key);
      } else if (key == "crl_files") {
        for (const auto& file : texts(value, key)) options.crlFiles.emplace_back(file);
      } else if (key == "crl_urls") {
        for (const auto& url : texts(value, key)) options.crlUrls.push_back(httpUrl(url, key));
      } else if (key == "fetch_crl_distribution_points") {
        options.fetchCrlUrls = flag(value, key);
      } else if (key == "timeout_seconds") {
        if (!value.is_number_integer() || value.get<long long>() < 1 || value.get<long long>() > 120) {
          wrong(key, "an integer from 1 to 120");
        }
        options.timeout = std::chrono::seconds(value.get<long long>());
      } else if (key == "ocsp_nonce") {
        options.ocspNonce = flag(value, key);
      } else if (key == "cache") {
        cache = flag(value, key);
      } else {
        throw ConfigError("unknown config key 'revocation." + key + "'");
      }
    }
  }
  if (cache && !stateDir.empty()) options.cacheFile = revocationCacheFile(stateDir);
  return options;
}

}  // namespace ehagent::agent
