#pragma once
// The sandbox's HTTPS server on loopback. Services (the STS, later the hubs) register handlers by
// method and path; a handler is a plain function of the request, so it can be tested without a
// socket. A handler can also ask the server to answer late or to drop the connection, which is how
// the sandbox misbehaves for tests.
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>

namespace ehagent::sandbox {

struct Request {
  std::string method;
  std::string path;  // target without the query
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;

  [[nodiscard]] std::string header(const std::string& lower_case_name) const;
};

struct Response {
  int status = 200;
  std::string content_type = "text/xml; charset=utf-8";
  std::string body;
  std::chrono::milliseconds delay{0};  // answer this much later
  bool drop_connection = false;        // close without answering

  static Response text(int status, std::string body);
  static Response json(int status, std::string body);
};

using Handler = std::function<Response(const Request&)>;

struct ServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;  // 0: let the kernel pick; port() tells which
  std::string cert_file;   // PEM chain for the TLS server certificate
  std::string key_file;
  std::size_t body_limit_bytes = 4 * 1024 * 1024;
  std::chrono::seconds read_timeout{30};
  int threads = 2;
};

class Server {
 public:
  // Refuses any host that is not loopback: the sandbox must never face the network.
  explicit Server(ServerOptions options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Register before start(). Paths match exactly.
  void route(const std::string& method, const std::string& path, Handler handler);

  void start();  // binds and serves on background threads
  void stop();   // idempotent; also run by the destructor
  [[nodiscard]] std::uint16_t port() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace ehagent::sandbox
