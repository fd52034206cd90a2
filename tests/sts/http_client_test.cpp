// HttpClient against the sandbox's real HTTPS server on loopback.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "sandbox/sandbox_pki.hpp"
#include "sandbox/server.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/support.hpp"
#include "tokens/error.hpp"
#include "tokens/net/https_client.hpp"

namespace ehagent {
namespace {

using sandbox::Response;

class HttpClientTest : public ::testing::Test {
 protected:
  void SetUp() override { pki_ = sandbox::ensureSandboxPki(dir_.path() / "pki"); }

  std::unique_ptr<sandbox::Server> startServer(const std::string& host = "127.0.0.1") {
    sandbox::ServerOptions options;
    options.host = host;
    options.cert_file = pki_.tls_cert.string();
    options.key_file = pki_.tls_key.string();
    auto server = std::make_unique<sandbox::Server>(options);
    server->route("POST", "/echo", [this](const sandbox::Request& r) {
      ++calls_;
      return Response{200, "text/xml", r.header("soapaction") + "|" + r.body, {}, false};
    });
    server->route("POST", "/big", [](const sandbox::Request&) { return Response::text(200, std::string(4096, 'x')); });
    server->route("POST", "/slow", [this](const sandbox::Request&) {
      ++calls_;
      auto r = Response::text(200, "late");
      r.delay = std::chrono::seconds(3);
      return r;
    });
    server->route("POST", "/drop", [this](const sandbox::Request&) {
      ++calls_;
      Response r;
      r.drop_connection = true;
      return r;
    });
    server->start();
    return server;
  }

  tokens::HttpClientOptions options() const {
    tokens::HttpClientOptions o;
    o.ca_file = pki_.ca_cert.string();
    o.connect_timeout = std::chrono::seconds(5);
    o.read_timeout = std::chrono::seconds(10);
    return o;
  }

  static std::string codeOf(const std::function<void()>& f) {
    try {
      f();
    } catch (const tokens::Error& e) {
      return e.code();
    }
    return "no error";
  }

  testsupport::TempDir dir_;
  sandbox::SandboxPki pki_;
  std::atomic<int> calls_{0};
};

TEST_F(HttpClientTest, PostsOverVerifiedTls) {
  auto server = startServer();
  tokens::HttpClient client(options());
  for (const std::string host : {"127.0.0.1", "localhost"}) {
    const auto url = "https://" + host + ":" + std::to_string(server->port()) + "/echo";
    const auto response = client.post(url, "<a/>", {{"SOAPAction", "urn:x"}});
    EXPECT_EQ(response.status, 200);
    EXPECT_EQ(response.body, "urn:x|<a/>");
    EXPECT_EQ(response.content_type, "text/xml");
  }
}

TEST_F(HttpClientTest, UnknownPathIsAnHttpStatusNotAnError) {
  auto server = startServer();
  tokens::HttpClient client(options());
  const auto response = client.post("https://127.0.0.1:" + std::to_string(server->port()) + "/nope", "", {});
  EXPECT_EQ(response.status, 404);
}

TEST_F(HttpClientTest, RefusesAServerCertificateFromAnotherCa) {
  auto server = startServer();
  testsupport::TempDir other;
  const auto other_pki = sandbox::ensureSandboxPki(other.path());
  auto o = options();
  o.ca_file = other_pki.ca_cert.string();
  tokens::HttpClient client(o);
  const auto url = "https://127.0.0.1:" + std::to_string(server->port()) + "/echo";
  EXPECT_EQ(codeOf([&] { client.post(url, "x", {}); }), "sts_unreachable");
  EXPECT_EQ(calls_.load(), 0);
}

TEST_F(HttpClientTest, RefusesACertificateForAnotherHostName) {
  // The certificate names 127.0.0.1, ::1 and localhost; 127.0.0.2 is loopback too but not named.
  auto server = startServer("127.0.0.2");
  tokens::HttpClient client(options());
  const auto url = "https://127.0.0.2:" + std::to_string(server->port()) + "/echo";
  try {
    client.post(url, "x", {});
    FAIL() << "a host name mismatch was accepted";
  } catch (const tokens::Error& e) {
    EXPECT_EQ(e.code(), "sts_unreachable");
    EXPECT_NE(std::string(e.what()).find("refused"), std::string::npos) << e.what();
  }
  EXPECT_EQ(calls_.load(), 0);
}

TEST_F(HttpClientTest, AnswerOverTheBodyLimitIsABadResponse) {
  auto server = startServer();
  auto o = options();
  o.max_response_bytes = 1024;
  o.service = "hub";
  tokens::HttpClient client(o);
  tokens::HttpResponse response;
  EXPECT_EQ(codeOf([&] { response = client.post("https://127.0.0.1:" + std::to_string(server->port()) + "/big", "", {}); }),
            "hub_bad_response")
      << response.status << " " << response.body.size();
}

TEST_F(HttpClientTest, ReadTimeoutIsNotRetried) {
  auto server = startServer();
  auto o = options();
  o.read_timeout = std::chrono::milliseconds(300);
  o.connect_attempts = 3;
  tokens::HttpClient client(o);
  EXPECT_EQ(codeOf([&] { client.post("https://127.0.0.1:" + std::to_string(server->port()) + "/slow", "", {}); }),
            "sts_unreachable");
  EXPECT_EQ(calls_.load(), 1);
}

TEST_F(HttpClientTest, DroppedConnectionAfterTheRequestIsNotRetried) {
  auto server = startServer();
  auto o = options();
  o.connect_attempts = 3;
  tokens::HttpClient client(o);
  EXPECT_EQ(codeOf([&] { client.post("https://127.0.0.1:" + std::to_string(server->port()) + "/drop", "", {}); }),
            "sts_unreachable");
  EXPECT_EQ(calls_.load(), 1);
}

TEST_F(HttpClientTest, ConnectionRefusedIsUnreachable) {
  std::uint16_t port = 0;
  {
    auto server = startServer();
    port = server->port();
  }
  tokens::HttpClient client(options());
  EXPECT_EQ(codeOf([&] { client.post("https://127.0.0.1:" + std::to_string(port) + "/echo", "", {}); }),
            "sts_unreachable");
}

TEST_F(HttpClientTest, PlainHttpOnlyForLoopbackAndOnlyWhenAllowed) {
  tokens::HttpClient strict(options());
  EXPECT_EQ(codeOf([&] { strict.post("http://127.0.0.1:9/x", "", {}); }), "invalid_input");
  auto o = options();
  o.allow_plain_loopback = true;
  tokens::HttpClient relaxed(o);
  EXPECT_EQ(codeOf([&] { relaxed.post("http://192.0.2.1:9/x", "", {}); }), "invalid_input");
}

// tinyproxy on loopback, a real HTTP proxy with CONNECT; its log shows each tunnel it opened.
class Tinyproxy {
 public:
  explicit Tinyproxy(const std::filesystem::path& dir) : port_(testsupport::freePort()), log_(dir / "tinyproxy.log") {
    const std::filesystem::path conf = dir / "tinyproxy.conf";
    testsupport::writeFile(conf, "Port " + std::to_string(port_) + "\nListen 127.0.0.1\nTimeout 30\nMaxClients 8\n" +
                                     "Allow 127.0.0.1\nLogLevel Connect\nLogFile \"" + log_.string() + "\"\n");
    process_ = std::make_unique<testsupport::ChildProcess>(testsupport::ChildOptions{.argv = {"tinyproxy", "-d", "-c", conf.string()}});
    for (int i = 0; i < 200 && !listening(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  [[nodiscard]] std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  [[nodiscard]] std::string log() const { return std::filesystem::exists(log_) ? testsupport::readFile(log_) : ""; }

 private:
  [[nodiscard]] bool listening() const {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port_);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
    ::close(fd);
    return ok;
  }
  unsigned short port_;
  std::filesystem::path log_;
  std::unique_ptr<testsupport::ChildProcess> process_;
};

// The proxy's own log shows the CONNECT tunnel: the exchange went through it, TLS verified end to end.
TEST_F(HttpClientTest, GoesThroughTheConfiguredProxyWithConnect) {
  auto server = startServer();
  const Tinyproxy proxy(dir_.path());
  auto o = options();
  o.proxy = proxy.url();
  const auto answer = tokens::HttpClient(o).post(("https://127.0.0.1:" + std::to_string(server->port())) + "/echo", "<ping/>", {{"SOAPAction", "x"}});
  EXPECT_EQ(answer.status, 200);
  EXPECT_EQ(answer.body, "x|<ping/>");
  EXPECT_NE(proxy.log().find("CONNECT 127.0.0.1:" + std::to_string(server->port())), std::string::npos) << proxy.log();

  // The certificate is still checked behind the proxy: another CA's trust refuses it.
  const testsupport::TempDir other;
  o.ca_file = sandbox::ensureSandboxPki(other.path()).ca_cert.string();
  EXPECT_EQ(codeOf([&] { tokens::HttpClient(o).post(("https://127.0.0.1:" + std::to_string(server->port())) + "/echo", "", {}); }), "sts_unreachable");
}

// Without a configured proxy the environment's HTTPS_PROXY is used, and NO_PROXY bypasses it.
TEST_F(HttpClientTest, HonoursHttpsProxyAndNoProxyFromTheEnvironment) {
  auto server = startServer();
  const Tinyproxy proxy(dir_.path());
  ::setenv("HTTPS_PROXY", proxy.url().c_str(), 1);
  const auto through = tokens::HttpClient(options()).post(("https://127.0.0.1:" + std::to_string(server->port())) + "/echo", "a", {});
  EXPECT_EQ(through.status, 200);
  EXPECT_NE(proxy.log().find("CONNECT 127.0.0.1"), std::string::npos) << proxy.log();

  ::setenv("HTTPS_PROXY", ("http://127.0.0.1:" + std::to_string(testsupport::freePort())).c_str(), 1);  // down
  EXPECT_EQ(codeOf([&] { tokens::HttpClient(options()).post(("https://127.0.0.1:" + std::to_string(server->port())) + "/echo", "b", {}); }),
            "sts_unreachable");
  ::setenv("NO_PROXY", "127.0.0.1", 1);
  const auto direct = tokens::HttpClient(options()).post(("https://127.0.0.1:" + std::to_string(server->port())) + "/echo", "c", {});
  EXPECT_EQ(direct.status, 200);
  ::unsetenv("HTTPS_PROXY");
  ::unsetenv("NO_PROXY");
}

TEST_F(HttpClientTest, AProxyThatIsDownIsUnreachableAndSaysSo) {
  auto server = startServer();
  auto o = options();
  o.proxy = "http://127.0.0.1:" + std::to_string(testsupport::freePort());
  o.connect_attempts = 1;
  try {
    tokens::HttpClient(o).post(("https://127.0.0.1:" + std::to_string(server->port())) + "/echo", "", {});
    ADD_FAILURE() << "no error";
  } catch (const tokens::Error& e) {
    EXPECT_EQ(e.code(), "sts_unreachable");
    EXPECT_NE(std::string(e.what()).find("127.0.0.1"), std::string::npos) << e.what();
  }
}

TEST(UrlTest, ParsesAndRefuses) {
  const auto url = tokens::Url::parse("https://services-acpt.ehealth.fgov.be/IAM/SecurityTokenService/v1");
  EXPECT_EQ(url.host, "services-acpt.ehealth.fgov.be");
  EXPECT_EQ(url.port, "443");
  EXPECT_EQ(url.target, "/IAM/SecurityTokenService/v1");
  const auto v6 = tokens::Url::parse("https://[::1]:8443");
  EXPECT_EQ(v6.host, "::1");
  EXPECT_EQ(v6.port, "8443");
  EXPECT_EQ(v6.target, "/");
  for (const char* bad : {"ftp://x/", "https://", "https://u:p@host/", "https://h:99999/", "https://h:x/", "nothing"}) {
    EXPECT_THROW(tokens::Url::parse(bad), tokens::Error) << bad;
  }
}

}  // namespace
}  // namespace ehagent
