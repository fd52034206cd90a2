// The HTTPS client (tokens::HttpClient) against real TLS servers (`openssl s_server`) that present
// certificates it must refuse, and against raw loopback servers that misbehave after the request:
// endless chunked or unframed bodies and a slow drip. s_server -www answers a POST by closing the
// connection or not at all, so an accepted handshake shows as "closed before an answer" or "no answer
// within the read timeout", a refused one as "refused".
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include "attack_util.hpp"
#include "tests/support/child_process.hpp"
#include "tests/tokens/test_keys.hpp"
#include "tokens/net/https_client.hpp"

namespace ehagent::security {
namespace {

using tokens::testing::quote;
using tokens::testing::runShell;
using tokens::testing::TempDir;

using testsupport::freePort;

bool accepts(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool ok = fd >= 0 && ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  if (fd >= 0) ::close(fd);
  return ok;
}

// `openssl s_server` on 127.0.0.1, stopped (by its own pid) when the object goes.
class SServer {
 public:
  SServer(const std::string& cert, const std::string& key)
      : port_(freePort()),
        process_({.argv = {"openssl", "s_server", "-quiet", "-www", "-accept", "127.0.0.1:" + std::to_string(port_),
                           "-cert", cert, "-key", key}}) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (!accepts(port_) && process_.running() && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  int port() const { return port_; }

 private:
  int port_;
  testsupport::ChildProcess process_;
};

class TlsAttack : public ::testing::Test {
 protected:
  void SetUp() override {
    ca_ = makeCa("ca");
    other_ca_ = makeCa("other-ca");
  }

  std::string makeCa(const std::string& name) {
    sh("openssl req -x509 -nodes -newkey ec -pkeyopt ec_paramgen_curve:P-256 -days 2 -keyout " + quote(dir_ / (name + ".key")) +
       " -out " + quote(dir_ / (name + ".pem")) + " -subj /CN=" + name);
    return name;
  }
  // A server certificate issued by `issuer` ("" = self-signed) with the given SAN; `ext` extra.
  std::string makeServer(const std::string& name, const std::string& issuer, const std::string& san,
                         const std::string& days = "2", const std::string& ext = "") {
    const std::string key = dir_ / (name + ".key"), csr = dir_ / (name + ".csr"), cert = dir_ / (name + ".pem"),
                      extfile = dir_ / (name + ".ext");
    tokens::testing::writeFile(extfile, "subjectAltName=" + san + "\n" + ext);
    sh("openssl req -new -nodes -newkey ec -pkeyopt ec_paramgen_curve:P-256 -keyout " + quote(key) + " -out " + quote(csr) +
       " -subj /CN=" + name);
    const std::string signing = issuer.empty() ? " -signkey " + quote(key)
                                               : " -CA " + quote(dir_ / (issuer + ".pem")) + " -CAkey " +
                                                     quote(dir_ / (issuer + ".key")) + " -CAcreateserial";
    sh("openssl x509 -req -days " + days + " -in " + quote(csr) + signing + " -extfile " + quote(extfile) + " -out " +
       quote(cert));
    return name;
  }
  void sh(const std::string& command) {
    std::string out;
    ASSERT_EQ(runShell(command, &out), 0) << command << "\n" << out;
  }

  // The client's verdict on a server presenting `name`, reached as `host`, trusting `trust`.
  std::string post(const std::string& name, const std::string& host, const std::string& trust, std::string* message = nullptr,
                   const std::string& chain = "") {
    std::string cert = dir_ / (name + ".pem");
    if (!chain.empty()) {
      cert = dir_ / (name + "-chain.pem");
      tokens::testing::writeFile(cert, tokens::testing::readFile(dir_ / (name + ".pem")) +
                                           tokens::testing::readFile(dir_ / (chain + ".pem")));
    }
    SServer server(cert, dir_ / (name + ".key"));
    tokens::HttpClientOptions options;
    if (!trust.empty()) options.ca_file = dir_ / (trust + ".pem");
    options.connect_attempts = 1;
    options.read_timeout = std::chrono::seconds(2);
    const tokens::HttpClient client(options);
    std::string what;
    const std::string v = verdict([&] {
      try {
        client.post("https://" + host + ":" + std::to_string(server.port()) + "/sts", "<x/>", {});
      } catch (const tokens::Error& e) {
        what = e.what();
        throw;
      }
    });
    if (message != nullptr) *message = what;
    return v;
  }
  // Refused at the certificate, not merely a failed exchange.
  void expectRefused(const std::string& name, const std::string& host, const std::string& trust,
                     const std::string& chain = "") {
    std::string message;
    EXPECT_EQ(post(name, host, trust, &message, chain), "sts_unreachable") << name << " via " << host;
    EXPECT_NE(message.find("refused"), std::string::npos) << message;
  }

  TempDir dir_;
  std::string ca_, other_ca_;
};

TEST_F(TlsAttack, BaselineHandshakeWithTheRightCaAndName) {
  makeServer("good", ca_, "DNS:localhost,IP:127.0.0.1");
  for (const char* host : {"127.0.0.1", "localhost"}) {
    std::string message;
    post("good", host, ca_, &message);
    EXPECT_EQ(message.find("refused"), std::string::npos) << message;
    // Past the handshake: the request went out and s_server -www did not answer a POST.
    EXPECT_TRUE(message.find("closed before an answer") != std::string::npos ||
                message.find("no answer within the read timeout") != std::string::npos)
        << message;
  }
}

TEST_F(TlsAttack, CertificateFromAnotherCaIsRefused) {
  makeServer("foreign", other_ca_, "DNS:localhost,IP:127.0.0.1");
  expectRefused("foreign", "127.0.0.1", ca_);
}

TEST_F(TlsAttack, SelfSignedCertificateWithTheRightNameIsRefused) {
  makeServer("selfsigned", "", "DNS:localhost,IP:127.0.0.1");
  expectRefused("selfsigned", "localhost", ca_);
}

TEST_F(TlsAttack, CertificateForAnotherNameIsRefused) {
  makeServer("elsewhere", ca_, "DNS:sts.example.be,IP:10.0.0.1");
  expectRefused("elsewhere", "127.0.0.1", ca_);
  expectRefused("elsewhere", "localhost", ca_);
}

TEST_F(TlsAttack, NameOnlyInTheCommonNameOfAnotherHostIsRefused) {
  // CN=localhost-evil with a SAN elsewhere: neither the CN prefix nor the CN itself may match.
  makeServer("localhost-evil", ca_, "DNS:evil.example");
  expectRefused("localhost-evil", "localhost", ca_);
}

TEST_F(TlsAttack, CertificateIssuedByANonCaLeafIsRefused) {
  // The attacker holds a genuine leaf of the trusted CA and uses it to issue a server certificate.
  makeServer("leaf", ca_, "DNS:leaf.example", "2", "basicConstraints=critical,CA:FALSE\n");
  makeServer("issued-by-leaf", "leaf", "DNS:localhost,IP:127.0.0.1");
  expectRefused("issued-by-leaf", "127.0.0.1", ca_, "leaf");
}

TEST_F(TlsAttack, ExpiredCertificateIsRefused) {
  // -days -1: notAfter is a day before the signing moment, so no waiting for it to pass.
  makeServer("expired", ca_, "DNS:localhost,IP:127.0.0.1", "-1");
  expectRefused("expired", "127.0.0.1", ca_);
}

TEST_F(TlsAttack, NoConfiguredCaMeansTheSystemStoreNotAnyCertificate) {
  makeServer("good", ca_, "DNS:localhost,IP:127.0.0.1");
  expectRefused("good", "127.0.0.1", "");
}

// A raw loopback HTTP server that answers every request with `answer` and then `tail`, written
// repeatedly until the client hangs up or `tail_bytes` were sent.
class RawServer {
 public:
  RawServer(std::string answer, std::string tail, std::size_t tail_bytes, std::chrono::milliseconds pause = {})
      : port_(freePort()) {
    listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port_));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const int one = 1;
    ::setsockopt(listener_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (::bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(listener_, 4) != 0)
      throw std::runtime_error("raw server cannot listen");
    thread_ = std::thread([this, answer = std::move(answer), tail = std::move(tail), tail_bytes, pause] {
      const int fd = ::accept(listener_, nullptr, nullptr);
      if (fd < 0) return;
      char buf[4096];
      (void)::recv(fd, buf, sizeof buf, 0);
      bool ok = ::send(fd, answer.data(), answer.size(), MSG_NOSIGNAL) > 0;
      for (std::size_t sent = 0; ok && sent < tail_bytes && !stop_; sent += tail.size()) {
        ok = ::send(fd, tail.data(), tail.size(), MSG_NOSIGNAL) > 0;
        if (pause.count() > 0) std::this_thread::sleep_for(pause);
      }
      ::close(fd);
    });
  }
  ~RawServer() {
    stop_ = true;
    ::shutdown(listener_, SHUT_RDWR);
    ::close(listener_);
    thread_.join();
  }
  RawServer(const RawServer&) = delete;
  RawServer& operator=(const RawServer&) = delete;
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/sts"; }

 private:
  int port_;
  int listener_ = -1;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

std::string plainPost(const RawServer& server, std::chrono::milliseconds read_timeout = std::chrono::seconds(10)) {
  tokens::HttpClientOptions options;
  options.allow_plain_loopback = true;
  options.max_response_bytes = 64 * 1024;
  options.read_timeout = read_timeout;
  options.connect_attempts = 1;
  return verdict([&] { tokens::HttpClient(options).post(server.url(), "<x/>", {}); });
}

TEST(HttpAnswerLimits, EndlessChunkedBodyIsCutAtTheLimit) {
  const std::string chunk = "1000\r\n" + std::string(0x1000, 'a') + "\r\n";
  RawServer server("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", chunk, 16 * 1024 * 1024);
  EXPECT_EQ(plainPost(server), "sts_bad_response");
}

TEST(HttpAnswerLimits, UnframedBodyUntilCloseIsCutAtTheLimit) {
  RawServer server("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n", std::string(4096, 'b'), 16 * 1024 * 1024);
  EXPECT_EQ(plainPost(server), "sts_bad_response");
}

TEST(HttpAnswerLimits, HugeHeaderIsRefused) {
  RawServer server("HTTP/1.1 200 OK\r\nX-Pad: ", std::string(4096, 'h'), 4 * 1024 * 1024);
  EXPECT_NE(plainPost(server), "ok");
}

TEST(HttpAnswerLimits, SlowDripIsBoundedByTheReadTimeout) {
  // One byte every 100 ms, forever: a per-byte timer would never fire; the whole read must.
  RawServer server("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n", "x", 1000000, std::chrono::milliseconds(100));
  EXPECT_EQ(plainPost(server, std::chrono::seconds(1)), "sts_unreachable");
}

}  // namespace
}  // namespace ehagent::security
