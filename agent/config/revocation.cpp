#include "agent/config/revocation.hpp"

#include "agent/config/config.hpp"
#include "agent/config/readers.hpp"
#include "certs/error.hpp"

namespace ehagent::agent {

using namespace config_read;

RevocationSettings readRevocationSection(const toml::node& node) {
  const toml::table& section = table(node, "revocation");
  onlyKnownKeys(section, "revocation",
                {"policy", "ocsp_responder", "crl_files", "crl_urls", "fetch_crl_distribution_points",
                 "timeout_seconds", "ocsp_nonce", "cache"});
  RevocationSettings out;
  certs::RevocationOptions& options = out.options;
  for (const auto& [name, value] : section) {
    const std::string key = "revocation." + std::string(name.str());
    if (name == "policy") {
      try {
        options.policy = certs::parseRevocationPolicy(text(value, key));
      } catch (const certs::Error&) {
        fail(key, "\"strict\", \"soft-fail\" or \"off\"");
      }
    } else if (name == "ocsp_responder") {
      options.ocspResponder = httpUrl(value, key);
    } else if (name == "crl_files") {
      for (const auto& file : texts(value, key)) options.crlFiles.emplace_back(file);
    } else if (name == "crl_urls") {
      const toml::array* urls = value.as_array();
      if (urls == nullptr) fail(key, "an array of strings");
      for (const toml::node& url : *urls) options.crlUrls.push_back(httpUrl(url, key));
    } else if (name == "fetch_crl_distribution_points") {
      options.fetchCrlUrls = flag(value, key);
    } else if (name == "timeout_seconds") {
      options.timeout = std::chrono::seconds(integer(value, key, 1, 120));
    } else if (name == "ocsp_nonce") {
      options.ocspNonce = flag(value, key);
    } else if (name == "cache") {
      out.cache = flag(value, key);
    }
  }
  return out;
}

std::filesystem::path revocationCacheFile(const std::filesystem::path& stateDir) {
  return stateDir / "revocation-cache";
}

certs::RevocationOptions revocationOptions(const Config& config, const std::filesystem::path& stateDir) {
  certs::RevocationOptions options = config.revocation.options;
  if (config.revocation.cache && !stateDir.empty()) options.cacheFile = revocationCacheFile(stateDir);
  return options;
}

}  // namespace ehagent::agent
