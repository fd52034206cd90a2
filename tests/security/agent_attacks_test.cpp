// The agent's HTTP server over real sockets (loopback TCP and its Unix socket), with raw bytes so
// that malformed and hostile requests reach it as an attacker would send them: DNS-rebinding Host
// forms, foreign origins and preflights, bearer keys, limits, slow clients, listen addresses.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <thread>

#include "agent/session/card_queue.hpp"
#include "agent/session/worker_pool.hpp"
#include "agent/store/clients.hpp"
#include "agent/config/config.hpp"
#include "core/bytes.hpp"
#include "core/digest.hpp"
#include "core/random.hpp"
#include "core/time.hpp"
#include "core/base64.hpp"
#include "agent/http/server.hpp"
#include "tests/tokens/test_keys.hpp"

namespace ehagent::security {
namespace {

namespace agent = ehagent::agent;
using Clock = std::chrono::steady_clock;

class Socket {
 public:
  explicit Socket(int fd) : fd_(fd) {
    timeval tv{30, 0};  // a hung server fails the test instead of hanging it
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }
  ~Socket() {
    if (fd_ >= 0) ::close(fd_);
  }
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  bool send(std::string_view bytes) const { return ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) == ssize_t(bytes.size()); }
  // Everything until the server closes (or 30 s pass).
  std::string readAll() const {
    std::string out;
    char buf[4096];
    ssize_t n = 0;
    while ((n = ::recv(fd_, buf, sizeof buf, 0)) > 0) out.append(buf, std::size_t(n));
    return out;
  }
  // True once the server has closed its side: recv() returns 0 (or reset).
  bool closedByPeer() const {
    char c;
    const ssize_t n = ::recv(fd_, &c, 1, MSG_DONTWAIT);
    return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
  }

 private:
  int fd_;
};

std::unique_ptr<Socket> tcpConnect(unsigned short port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) throw std::runtime_error("connect");
  return std::make_unique<Socket>(fd);
}

std::unique_ptr<Socket> unixConnect(const std::string& path) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", path.c_str());
  if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) throw std::runtime_error("connect");
  return std::make_unique<Socket>(fd);
}

int statusOf(const std::string& response) {
  if (response.rfind("HTTP/1.", 0) != 0 || response.size() < 12) return 0;
  return std::stoi(response.substr(9, 3));
}

class AgentAttack : public ::testing::Test {
 protected:
  void SetUp() override {
    clients_ = std::make_unique<agent::ClientStore>(agent::ClientStore::defaultFile(dir_.path()));
    audit_ = std::make_unique<agent::AuditLog>(agent::AuditLog::defaultFile(dir_.path()));
    agent::Config config;
    config.allowed_origins = {"https://emr.example"};
    config.limits.body_bytes = 64 * 1024;
    config.limits.header_bytes = 8 * 1024;
    config.limits.idle_timeout_seconds = 2;
    config.limits.read_timeout_seconds = 2;
    context_ = std::make_unique<agent::ServerContext>(
        agent::ServerContext{config, *clients_, *audit_, queues_, network_, events_, state_, "security-test"});
    key_ = clients_->add("emr");
    socket_path_ = dir_ / "run/agent.sock";
    server_ = std::make_unique<agent::Server>(*context_, agent::makeRouter(),
                                              agent::ServerOptions{{"127.0.0.1", 0}, socket_path_, 2});
    server_->bind();
    port_ = server_->tcpPort();
    thread_ = std::thread([this] { server_->run(); });
  }
  void TearDown() override {
    server_->stop();
    thread_.join();
  }

  std::string host() const { return "127.0.0.1:" + std::to_string(port_); }
  // Sends raw bytes over TCP and returns the status of the answer (0: none).
  int raw(const std::string& request) const {
    const auto s = tcpConnect(port_);
    s->send(request);
    return statusOf(s->readAll());
  }
  int get(const std::string& target, const std::string& headers) const {
    return raw("GET " + target + " HTTP/1.1\r\n" + headers + "Connection: close\r\n\r\n");
  }

  tokens::testing::TempDir dir_;
  std::unique_ptr<agent::ClientStore> clients_;
  std::unique_ptr<agent::AuditLog> audit_;
  agent::CardQueues queues_{2};
  agent::WorkerPool network_{1, 4};
  agent::EventBus events_;
  agent::StateBoard state_{events_};
  std::unique_ptr<agent::ServerContext> context_;
  std::string key_, socket_path_;
  std::unique_ptr<agent::Server> server_;
  unsigned short port_ = 0;
  std::thread thread_;
};

TEST_F(AgentAttack, BaselineStatusAnswers) {
  EXPECT_EQ(get("/v1/status", "Host: " + host() + "\r\n"), 200);
  EXPECT_EQ(get("/v1/audit", "Host: " + host() + "\r\nAuthorization: Bearer " + key_ + "\r\n"), 200);
}

TEST_F(AgentAttack, RebindingHostFormsAre421) {
  const std::string port = std::to_string(port_);
  for (const std::string& h : std::vector<std::string>{"127.0.0.1:" + port + ".evil.example", "localhost.:" + port, "localhost.",
                               "127.0.0.1", "localhost", "127.0.0.1:" + port + "@evil.example", "evil.example:" + port,
                               "127.0.0.1:0" + port, "127.1:" + port, "[::ffff:127.0.0.1]:" + port, std::string()}) {
    EXPECT_EQ(get("/v1/status", "Host: " + h + "\r\n"), 421) << "Host: " << h;
  }
}

TEST_F(AgentAttack, MissingHostOnHttp11IsRefused) {
  const int status = get("/v1/status", "");
  EXPECT_TRUE(status == 400 || status == 421) << status;
}

TEST_F(AgentAttack, UppercaseHostNamesTheSameListener) {
  // Host names are case-insensitive: this is the same origin, not a rebinding.
  EXPECT_EQ(get("/v1/status", "Host: LOCALHOST:" + std::to_string(port_) + "\r\n"), 200);
}

TEST_F(AgentAttack, TwoHostHeadersAreRefused) {
  // RFC 9112 3.2: a request with more than one Host field gets 400. Taking the first one lets a
  // proxy and the agent disagree about which host was asked for.
  const int evil_second = get("/v1/status", "Host: " + host() + "\r\nHost: evil.example\r\n");
  const int evil_first = get("/v1/status", "Host: evil.example\r\nHost: " + host() + "\r\n");
  EXPECT_EQ(evil_first, 400);
  EXPECT_EQ(evil_second, 400);
}

TEST_F(AgentAttack, BytesThatAreNotUtf8InThePathGetAProblemAnswer) {
  // The 404 problem names the path; a byte that is not UTF-8 there once made the JSON writer
  // throw (found by fuzz_http_router). The answer must still be a problem, and the agent serve on.
  const std::string h = "Host: " + host() + "\r\n";
  EXPECT_EQ(get("/\xafv1/events", h), 404);
  EXPECT_EQ(get("/v1/\xff\xfe", h + "Authorization: Bearer " + key_ + "\r\n"), 404);
  EXPECT_EQ(get("/v1/status", h), 200);
}

TEST_F(AgentAttack, AbsoluteFormTargetDoesNotBypassTheHostCheck) {
  // The absolute-form authority is the real target (RFC 9112 3.2.2); it must not reach a route.
  EXPECT_NE(raw("GET http://evil.example/v1/status HTTP/1.1\r\nHost: " + host() + "\r\nConnection: close\r\n\r\n"), 200);
  EXPECT_EQ(raw("GET http://" + host() + "/v1/status HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n"), 421);
}

TEST_F(AgentAttack, ForeignOriginsAre403) {
  const std::string h = "Host: " + host() + "\r\n";
  for (const char* origin : {"https://evil.example", "null", "https://EMR.example", "https://emr.example.evil.example",
                             "https://emr.example:443", "http://emr.example", "https://emr.example/"}) {
    EXPECT_EQ(get("/v1/status", h + "Origin: " + origin + "\r\n"), 403) << origin;
  }
  EXPECT_EQ(get("/v1/status", h + "Origin: https://emr.example\r\n"), 200);
}

TEST_F(AgentAttack, PreflightOnlyForAllowedOrigins) {
  const auto preflight = [&](const std::string& origin) {
    const auto s = tcpConnect(port_);
    s->send("OPTIONS /v1/sign HTTP/1.1\r\nHost: " + host() + "\r\nOrigin: " + origin +
            "\r\nAccess-Control-Request-Method: POST\r\nAccess-Control-Request-Private-Network: true\r\n"
            "Connection: close\r\n\r\n");
    return s->readAll();
  };
  const std::string evil = preflight("https://evil.example");
  EXPECT_EQ(statusOf(evil), 403);
  EXPECT_EQ(evil.find("Access-Control-Allow-Origin"), std::string::npos);
  EXPECT_EQ(evil.find("Access-Control-Allow-Private-Network"), std::string::npos);
  const std::string good = preflight("https://emr.example");
  EXPECT_EQ(statusOf(good), 204);
  EXPECT_NE(good.find("https://emr.example"), std::string::npos);
}

TEST_F(AgentAttack, BearerKeysAreCheckedWhole) {
  const std::string h = "Host: " + host() + "\r\n";
  for (const std::string& auth : std::vector<std::string>{std::string(), "Bearer ", "Bearer " + key_.substr(0, key_.size() - 1),
                                  "Bearer " + key_ + "x", "Basic " + key_, "Bearer " + ehagent::sha256Hex(key_),
                                  "Bearer " + std::string(3000, 'A')}) {
    EXPECT_EQ(get("/v1/audit", h + (auth.empty() ? "" : "Authorization: " + auth + "\r\n")), 401) << auth.substr(0, 40);
  }
}

TEST_F(AgentAttack, ClientFileHoldsOnlyAHashAndIsPrivate) {
  const std::string file = agent::ClientStore::defaultFile(dir_.path());
  const std::string text = tokens::testing::readFile(file);
  EXPECT_EQ(text.find(key_), std::string::npos);
  EXPECT_NE(text.find(ehagent::sha256Hex(key_)), std::string::npos);
  struct stat st {};
  ASSERT_EQ(::stat(file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST_F(AgentAttack, UnixSocketIsPrivateAndAnswersOnlyItsOwnHost) {
  struct stat st {};
  ASSERT_EQ(::stat(socket_path_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  const auto ask = [&](const std::string& h) {
    const auto s = unixConnect(socket_path_);
    s->send("GET /v1/status HTTP/1.1\r\nHost: " + h + "\r\nConnection: close\r\n\r\n");
    return statusOf(s->readAll());
  };
  EXPECT_EQ(ask("localhost"), 200);
  EXPECT_EQ(ask("evil.example"), 421);
  EXPECT_EQ(ask(host()), 421);
}

TEST_F(AgentAttack, OversizeBodyAndHeadersAreRefused) {
  EXPECT_EQ(raw("POST /v1/sign HTTP/1.1\r\nHost: " + host() + "\r\nContent-Length: 104857600\r\n\r\n"), 413);
  EXPECT_EQ(raw("GET /v1/status HTTP/1.1\r\nHost: " + host() + "\r\nX-Pad: " + std::string(16 * 1024, 'p') + "\r\n\r\n"), 431);
}

TEST_F(AgentAttack, SlowClientsAreDisconnected) {
  // An idle connection, a half-sent header, and a header dribbled a byte at a time: each must be
  // closed by the server's read timeouts (2 s here), polled with a generous deadline.
  const auto idle = tcpConnect(port_);
  const auto half = tcpConnect(port_);
  half->send("GET /v1/status HTTP/1.1\r\nHost: ");
  const auto dribble = tcpConnect(port_);
  const std::string request = "GET /v1/status HTTP/1.1\r\nX-Slow: " + std::string(4000, 's');
  const auto deadline = Clock::now() + std::chrono::seconds(60);
  std::size_t i = 0;
  bool dribble_closed = false;
  while (Clock::now() < deadline && !(idle->closedByPeer() && half->closedByPeer() && dribble_closed)) {
    if (!dribble_closed && i < request.size()) {
      dribble_closed = !dribble->send(request.substr(i++, 1)) || dribble->closedByPeer();
    } else {
      dribble_closed = dribble_closed || dribble->closedByPeer();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_TRUE(idle->closedByPeer());
  EXPECT_TRUE(half->closedByPeer());
  EXPECT_TRUE(dribble_closed) << "a header sent a byte at a time kept the connection open";
}

TEST(AgentListen, NonLoopbackAddressesAreRefused) {
  for (const char* listen : {"0.0.0.0:17443", "[::]:17443", "192.0.2.1:17443", "example.be:17443", "127.0.0.1.evil:1"}) {
    EXPECT_THROW(agent::parseListenAddress(listen), std::exception) << listen;
  }
  tokens::testing::TempDir dir;
  agent::ClientStore clients(agent::ClientStore::defaultFile(dir.path()));
  agent::AuditLog audit(agent::AuditLog::defaultFile(dir.path()));
  agent::CardQueues queues{1};
  agent::WorkerPool network{1, 4};
  agent::EventBus events;
  agent::StateBoard state{events};
  agent::ServerContext context{agent::Config{}, clients, audit, queues, network, events, state, "t"};
  for (const char* address : {"0.0.0.0", "::"}) {
    agent::Server server(context, agent::makeRouter(), agent::ServerOptions{{address, 0}, {}, 1});
    EXPECT_THROW(server.bind(), std::runtime_error) << address;
  }
}

}  // namespace
}  // namespace ehagent::security
