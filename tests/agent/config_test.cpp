#include <gtest/gtest.h>
#include <unistd.h>

#include "agent/config/config.hpp"
#include "agent/config/endpoint.hpp"
#include "agent/config/revocation.hpp"

using namespace ehagent::agent;

TEST(Config, EmptyTextGivesTheDocumentedDefaults) {
  const Config c = parseConfig("", "agent.toml");
  EXPECT_EQ(c.listen, "");  // the per-user port
  EXPECT_EQ(c.limits.body_bytes, 8u * 1024 * 1024);
  EXPECT_EQ(c.pin_idle_timeout_minutes, 30);
  EXPECT_EQ(c.pinentry, "auto");
  EXPECT_TRUE(c.login_on_insert);
}

TEST(Config, WithoutListenEachUserHasAPortOfTheirOwnAndTheFirstUserHasTheWellKnownOne) {
  EXPECT_EQ(perUserPort(0), 17443);
  EXPECT_EQ(perUserPort(1000), 17443);
  EXPECT_EQ(perUserPort(1001), 17444);
  EXPECT_EQ(perUserPort(1049), 17492);
  EXPECT_EQ(perUserPort(3000), 17443);  // 2000 apart: the later agent falls back to any free port
  const ListenAddress unset = effectiveListenAddress(parseConfig("", "agent.toml"));
  EXPECT_EQ(unset.host, "127.0.0.1");
  EXPECT_EQ(unset.port, perUserPort(::getuid()));
  EXPECT_TRUE(unset.fall_back_to_any_port);
  const ListenAddress set = effectiveListenAddress(parseConfig("listen = \"127.0.0.1:9000\"\n", "agent.toml"));
  EXPECT_EQ(set.port, 9000);
  EXPECT_FALSE(set.fall_back_to_any_port);  // a configured port that is taken is an error
}

TEST(Config, ThePractitionerTokenIsAPkcs11UriThatNamesAToken) {
  EXPECT_EQ(parseConfig("practitioner_token = \"pkcs11:token=eHealth%20Alice\"\n", "agent.toml").practitioner_token,
            "pkcs11:token=eHealth%20Alice");
  EXPECT_THROW(parseConfig("practitioner_token = \"eHealth Alice\"\n", "agent.toml"), ConfigError);
  EXPECT_THROW(parseConfig("practitioner_token = \"pkcs11:?module-name=softhsm2\"\n", "agent.toml"), ConfigError);
  EXPECT_THROW(parseConfig("practitioner_token = \"pkcs11:tokn=x\"\n", "agent.toml"), ConfigError);
}

TEST(Config, LanguageIsOneOfTheFour) {
  EXPECT_EQ(parseConfig("language = \"de\"\n", "agent.toml").language, Language::De);
  EXPECT_THROW(parseConfig("language = \"es\"\n", "agent.toml"), ConfigError);
  EXPECT_THROW(parseConfig("language = \"nl_BE\"\n", "agent.toml"), ConfigError);
}

TEST(Config, LoginOnInsertIsAFlag) {
  EXPECT_FALSE(parseConfig("login_on_insert = false\n", "agent.toml").login_on_insert);
  EXPECT_THROW(parseConfig("login_on_insert = \"yes\"\n", "agent.toml"), ConfigError);
}

TEST(Config, ReadsEveryKey) {
  const Config c = parseConfig(R"(
listen = "[::1]:9000"
socket = "/run/x.sock"
allowed_origins = ["https://emr.example"]
log_level = "debug"
card_queue_depth = 3
pin_idle_timeout_minutes = 5
pin_timeout_seconds = 45
pinentry = "pinentry-gtk-2"
modules = ["/usr/lib/softhsm/libsofthsm2.so"]
login_on_insert = false
[limits]
body_bytes = 2048
header_bytes = 4096
read_timeout_seconds = 7
idle_timeout_seconds = 9
max_connections = 11
[hubs.rsw]
endpoint = "https://rsw.example"
hub_id = "1990000035"
)", "t.toml");
  EXPECT_EQ(c.listen, "[::1]:9000");
  EXPECT_EQ(c.allowed_origins, std::vector<std::string>{"https://emr.example"});
  EXPECT_EQ(c.card_queue_depth, 3u);
  EXPECT_EQ(c.pin_timeout_seconds, 45);
  EXPECT_EQ(c.limits.body_bytes, 2048u);
  EXPECT_EQ(c.limits.max_connections, 11);
  EXPECT_FALSE(c.login_on_insert);
  ASSERT_EQ(c.hubs.count("rsw"), 1u);
  EXPECT_EQ(c.hubs.at("rsw").url, "https://rsw.example");
  EXPECT_EQ(c.hubs.at("rsw").hubId, "1990000035");
  EXPECT_EQ(c.hubs.at("rsw").http.service, "hub");
}

// One proxy key reaches every outgoing client, whether it comes before or after their sections.
TEST(Config, TheProxyReachesEveryHubAndRevocation) {
  const std::string hub = "[hubs.rsw]\nendpoint = \"https://rsw.example/hub\"\nhub_id = \"1990000035\"\n";
  EXPECT_TRUE(parseConfig(hub, "agent.toml").hubs.at("rsw").http.proxy.empty());
  const Config c = parseConfig("proxy = \"http://proxy.example:3128\"\nno_proxy = \"localhost\"\n" + hub, "agent.toml");
  EXPECT_EQ(c.hubs.at("rsw").http.proxy, "http://proxy.example:3128");
  EXPECT_EQ(c.hubs.at("rsw").http.no_proxy, "localhost");
  EXPECT_EQ(c.revocation.options.proxy, "http://proxy.example:3128");
  EXPECT_EQ(c.revocation.options.noProxy, "localhost");
  EXPECT_THROW(parseConfig("proxy = \"proxy.example:3128\"\n", "agent.toml"), ConfigError);
}

TEST(Config, PractitionerSsinMustBeAValidSsin) {
  EXPECT_EQ(parseConfig("practitioner_ssin = \"78031215280\"\n", "a").practitioner_ssin, "78031215280");
  EXPECT_TRUE(parseConfig("", "a").practitioner_ssin.empty());
  EXPECT_THROW(parseConfig("practitioner_ssin = \"78031215281\"\n", "a"), ConfigError);
  EXPECT_THROW(parseConfig("practitioner_ssin = 78031215280\n", "a"), ConfigError);
}

TEST(Config, UnknownKeysAreNamed) {
  try {
    parseConfig("[limits]\nbody_byte = 1\n", "agent.toml");
    FAIL() << "accepted an unknown key";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("'limits.body_byte'"), std::string::npos) << e.what();
  }
  EXPECT_THROW(parseConfig("colour = \"red\"\n", "agent.toml"), ConfigError);
}

TEST(Config, WrongTypesAndRangesAreNamed) {
  try {
    parseConfig("card_queue_depth = \"many\"\n", "agent.toml");
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("card_queue_depth"), std::string::npos);
  }
  EXPECT_THROW(parseConfig("card_queue_depth = 0\n", "a"), ConfigError);
  EXPECT_THROW(parseConfig("log_level = \"loud\"\n", "a"), ConfigError);
  EXPECT_THROW(parseConfig("listen = ", "a"), ConfigError);  // a TOML syntax error
}

TEST(Config, NonLoopbackListenIsRefused) {
  EXPECT_THROW(parseConfig("listen = \"0.0.0.0:17443\"\n", "a"), ConfigError);
  EXPECT_THROW(parseListenAddress("192.168.1.5:80"), ConfigError);
  EXPECT_THROW(parseListenAddress("example.com:80"), ConfigError);
  EXPECT_THROW(parseListenAddress("127.0.0.1:99999"), ConfigError);
  EXPECT_THROW(parseListenAddress("127.0.0.1"), ConfigError);
  EXPECT_EQ(parseListenAddress("localhost:17443").host, "127.0.0.1");
  EXPECT_EQ(parseListenAddress("[::1]:8080").host, "::1");
  EXPECT_EQ(parseListenAddress("[::1]:8080").port, 8080);
}

TEST(Config, RevocationSectionIsReadIntoTheCheckerOptions) {
  const Config c = parseConfig(R"(
[revocation]
policy = "strict"
ocsp_responder = "http://ocsp.example/"
crl_files = ["/etc/ehagent/ca.crl"]
crl_urls = ["http://crl.example/ca.crl"]
fetch_crl_distribution_points = false
timeout_seconds = 9
ocsp_nonce = false
cache = true
)", "t.toml");
  const auto o = revocationOptions(c, "/state");
  EXPECT_EQ(o.policy, ehagent::certs::RevocationPolicy::Strict);
  EXPECT_EQ(o.ocspResponder, "http://ocsp.example/");
  EXPECT_EQ(o.crlFiles, std::vector<std::filesystem::path>{"/etc/ehagent/ca.crl"});
  EXPECT_EQ(o.crlUrls, std::vector<std::string>{"http://crl.example/ca.crl"});
  EXPECT_FALSE(o.fetchCrlUrls);
  EXPECT_EQ(o.timeout, std::chrono::seconds(9));
  EXPECT_FALSE(o.ocspNonce);
  EXPECT_EQ(o.cacheFile, std::filesystem::path("/state/revocation-cache"));

  const auto defaults = revocationOptions(parseConfig("", "t.toml"), {});
  EXPECT_EQ(defaults.policy, ehagent::certs::RevocationPolicy::SoftFail);
  EXPECT_TRUE(defaults.cacheFile.empty());  // no state dir: memory only
  EXPECT_TRUE(revocationOptions(parseConfig("[revocation]\ncache = false\n", "t.toml"), "/s").cacheFile.empty());
}

TEST(Config, RevocationMistakesAreRefusedAtLoadNamingTheKey) {
  for (const auto& [text, key] : std::vector<std::pair<std::string, std::string>>{
           {"[revocation]\npolicy = \"sometimes\"\n", "revocation.policy"},
           {"[revocation]\nocsp_responder = \"ldap://x\"\n", "revocation.ocsp_responder"},
           {"[revocation]\ncrl_files = \"/one.crl\"\n", "revocation.crl_files"},
           {"[revocation]\ntimeout_seconds = 0\n", "revocation.timeout_seconds"},
           {"[revocation]\ncache = \"yes\"\n", "revocation.cache"},
           {"[revocation]\nresponder = \"http://x/\"\n", "revocation.responder"}}) {
    try {
      parseConfig(text, "agent.toml");
      ADD_FAILURE() << "accepted: " << text;
    } catch (const ConfigError& e) {
      EXPECT_NE(std::string(e.what()).find("'" + key + "'"), std::string::npos) << e.what();
    }
  }
}

TEST(Config, HubMistakesAreRefusedAtLoadNamingTheKey) {
  const std::string ok = "[hubs.rsw]\nendpoint = \"https://rsw.example/hub\"\nhub_id = \"1990000035\"\n";
  EXPECT_NO_THROW(parseConfig(ok, "agent.toml"));
  for (const auto& [text, key] : std::vector<std::pair<std::string, std::string>>{
           {"[hubs.rsw]\nendpoint = \"https://rsw.example/hub\"\n", "hubs.rsw.hub_id"},
           {"[hubs.rsw]\nhub_id = \"1990000035\"\n", "hubs.rsw.endpoint"},
           {ok + "timeout_seconds = 0\n", "hubs.rsw.timeout_seconds"},
           {ok + "endpoit = \"https://x\"\n", "hubs.rsw.endpoit"},
           {"[hubs.rsw]\nendpoint = \"not a url\"\nhub_id = \"1\"\n", "hubs.rsw.endpoint"}}) {
    try {
      parseConfig(text, "agent.toml");
      ADD_FAILURE() << "accepted: " << text;
    } catch (const ConfigError& e) {
      EXPECT_NE(std::string(e.what()).find(key), std::string::npos) << e.what();
    }
  }
}
