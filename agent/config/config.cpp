#include "agent/config/config.hpp"
#include "core/file.hpp"
#include "agent/config/paths.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "agent/config/schema.hpp"

namespace ehagent::agent {
namespace {

const ConfigKey* findKey(std::string_view dotted) {
  for (const ConfigKey& key : configKeys()) {
    if (key.key == dotted) return &key;
  }
  return nullptr;
}

bool isTablePrefix(std::string_view dotted) {
  const std::string prefix = std::string(dotted) + ".";
  return std::any_of(configKeys().begin(), configKeys().end(),
                     [&](const ConfigKey& key) { return key.key.starts_with(prefix); });
}

void applyTable(const toml::table& table, const std::string& prefix, Config& config,
                std::string_view source) {
  for (const auto& [name, node] : table) {
    const std::string dotted = prefix.empty() ? std::string(name.str())
                                              : prefix + "." + std::string(name.str());
    if (const ConfigKey* key = findKey(dotted)) {
      key->apply(node, config);
    } else if (node.is_table() && isTablePrefix(dotted)) {
      applyTable(*node.as_table(), dotted, config, source);
    } else {
      throw ConfigError("unknown config key '" + dotted + "' in " + std::string(source));
    }
  }
}

}  // namespace

Config parseConfig(std::string_view toml_text, std::string_view source) {
  toml::table table;
  try {
    table = toml::parse(toml_text, source);
  } catch (const toml::parse_error& e) {
    std::ostringstream message;
    message << source << ":" << e.source().begin.line << ":" << e.source().begin.column << ": "
            << e.description();
    throw ConfigError(message.str());
  }
  Config config;
  applyTable(table, "", config, source);
  // One proxy for every outgoing client, whichever order the keys and sections came in.
  const auto useProxy = [&config](tokens::HttpClientOptions& http) {
    http.proxy = config.proxy;
    http.no_proxy = config.no_proxy;
  };
  if (config.sts) useProxy(config.sts->client.http);
  for (auto& [name, hub] : config.hubs) useProxy(hub.http);
  config.revocation.options.proxy = config.proxy;
  config.revocation.options.noProxy = config.no_proxy;
  if (!config.listen.empty()) parseListenAddress(config.listen);  // refuse a non-loopback address as early as possible
  return config;
}

Config loadConfig(const std::filesystem::path& file, bool must_exist) {
  const auto text = readFile(file);
  if (!text) {
    if (!must_exist && !std::filesystem::exists(file)) return Config{};
    throw ConfigError("cannot read config file " + file.string());
  }
  return parseConfig(*text, file.string());
}

std::string formatListenAddress(const std::string& host, std::uint16_t port) {
  return (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

ListenAddress parseListenAddress(std::string_view text) {
  const auto fail = [&](std::string_view why) -> ConfigError {
    return ConfigError("listen address '" + std::string(text) + "' refused: " + std::string(why));
  };
  std::string host;
  std::string_view port_text;
  if (text.starts_with("[")) {
    const auto close = text.find("]:");
    if (close == std::string_view::npos) throw fail("expected [ADDRESS]:PORT");
    host = std::string(text.substr(1, close - 1));
    port_text = text.substr(close + 2);
  } else {
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos) throw fail("expected HOST:PORT");
    host = std::string(text.substr(0, colon));
    port_text = text.substr(colon + 1);
  }
  if (port_text.empty() || port_text.size() > 5 ||
      !std::all_of(port_text.begin(), port_text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    throw fail("the port must be a number");
  }
  const unsigned long port = std::stoul(std::string(port_text));
  if (port > 65535) throw fail("the port must be at most 65535");
  if (host == "localhost") host = "127.0.0.1";
  if (host != "127.0.0.1" && host != "::1") {
    throw fail("the agent listens only on loopback (127.0.0.1, ::1, localhost)");
  }
  return ListenAddress{host, static_cast<std::uint16_t>(port)};
}

std::filesystem::path effectiveStateDir(const Config& config) {
  return config.state_dir.empty() ? defaultStateDir() : config.state_dir;
}

}  // namespace ehagent::agent
