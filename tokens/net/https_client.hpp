#pragma once
// A small blocking HTTPS POST client for the eHealth services (STS, hubs), on libcurl. The server
// certificate is verified against a configured CA file or directory, with a host name check, also
// through an HTTP proxy (a CONNECT tunnel: HTTPS_PROXY / NO_PROXY, or the options' proxy). Plain
// HTTP is allowed only towards loopback, and only when the options say so (tests and the sandbox).
#include <chrono>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace ehagent::tokens {

struct HttpClientOptions {
  std::string ca_file;  // PEM bundle; empty = use ca_dir or the system default paths
  std::string ca_dir;   // OpenSSL hashed directory
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds read_timeout{30000};
  // Attempts for the connection phase only: once a request may have reached the server, a failure
  // is reported at once, because an STS Issue or a hub Put is not known to be idempotent.
  int connect_attempts = 3;
  std::size_t max_response_bytes = 4 * 1024 * 1024;
  bool allow_plain_loopback = false;
  // "http://proxy.example:3128"; empty: HTTPS_PROXY / https_proxy from the environment, if any.
  std::string proxy;
  // Hosts that bypass the proxy, as NO_PROXY ("localhost,.example.be"); empty: NO_PROXY / no_proxy.
  std::string no_proxy;
  // Prefix of the error codes: "<service>_unreachable", "<service>_bad_response".
  std::string service = "sts";
};

struct HttpResponse {
  int status = 0;
  std::string content_type;
  std::string body;
};

struct Url {
  std::string scheme;  // "https" or "http"
  std::string host;    // without brackets for IPv6
  std::string port;
  std::string target;  // path and query, at least "/"

  // Throws tokens::Error("invalid_input") for anything but http(s)://host[:port][/path].
  static Url parse(const std::string& text);
};

class HttpClient {
 public:
  explicit HttpClient(HttpClientOptions options);

  // Errors (tokens::Error): <service>_unreachable (resolve, connect, TLS, timeouts, dropped
  // connection), <service>_bad_response (malformed HTTP, body over the limit), invalid_input (URL,
  // or plain HTTP where it is not allowed). Any HTTP status is returned, not thrown.
  HttpResponse post(const std::string& url, const std::string& body,
                    const std::vector<std::pair<std::string, std::string>>& headers) const;

  [[nodiscard]] const HttpClientOptions& options() const noexcept { return options_; }

 private:
  HttpClientOptions options_;
};

// True for 127.0.0.0/8, ::1 and "localhost".
bool isLoopbackHost(const std::string& host);

}  // namespace ehagent::tokens
