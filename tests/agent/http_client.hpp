#pragma once
// A tiny blocking HTTP/1.1 client over loopback TCP for the integration tests (Beast).
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace ehagent::agent::test {

struct HttpReply {
  int status = 0;
  std::map<std::string, std::string> headers;  // lowercase names
  std::string body;
  nlohmann::json json() const { return nlohmann::json::parse(body); }
  std::string header(const std::string& lowercase_name) const {
    const auto it = headers.find(lowercase_name);
    return it == headers.end() ? "" : it->second;
  }
};

struct HttpCall {
  std::string method = "GET";
  std::string target = "/v1/status";
  std::string body;
  std::map<std::string, std::string> headers;  // "Host" here replaces the default
};

class HttpClient {
 public:
  explicit HttpClient(unsigned short port);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;
  // Sends on the same connection each time (keep-alive); reconnects if the server closed it.
  HttpReply send(const HttpCall& call);

 private:
  struct Impl;
  Impl* impl_;
};

// One call on a fresh connection.
HttpReply httpCall(unsigned short port, const HttpCall& call);

}  // namespace ehagent::agent::test
