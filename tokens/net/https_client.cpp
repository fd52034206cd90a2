#include "tokens/net/https_client.hpp"

#include <curl/curl.h>

#include <boost/asio/ip/address.hpp>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>

#include "tokens/error.hpp"

namespace ehagent::tokens {
namespace {

namespace asio = boost::asio;

// The phase a failure happened in decides whether a retry is safe.
enum class Phase { connect, exchange };

struct Failure {
  Phase phase;
  std::string what;
};

// curl_global_init is not thread-safe; the first client to run does it, once.
void initialiseCurl() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct EasyDeleter {
  void operator()(CURL* handle) const noexcept { curl_easy_cleanup(handle); }
};
struct ListDeleter {
  void operator()(curl_slist* list) const noexcept { curl_slist_free_all(list); }
};
using Easy = std::unique_ptr<CURL, EasyDeleter>;
using HeaderList = std::unique_ptr<curl_slist, ListDeleter>;

Error tooBig(const HttpClientOptions& options) {
  return Error(options.service + "_bad_response",
               "the answer is larger than " + std::to_string(options.max_response_bytes) + " bytes");
}

struct Received {
  std::string body;
  std::size_t limit = 0;
  bool too_big = false;
};

// The read timeout is a bound on silence, as it was per read: once connected, a server that sends
// nothing (and takes nothing) for that long ends the exchange. libcurl's own timeouts are totals.
struct Silence {
  CURL* easy = nullptr;
  std::chrono::milliseconds limit{};
  curl_off_t last_down = -1, last_up = -1;
  std::chrono::steady_clock::time_point since = std::chrono::steady_clock::now();
  bool exceeded = false;
};

int watchSilence(void* user, curl_off_t, curl_off_t down, curl_off_t, curl_off_t up) {
  auto& silence = *static_cast<Silence*>(user);
  const auto now = std::chrono::steady_clock::now();
  curl_off_t connected = 0;
  curl_easy_getinfo(silence.easy, CURLINFO_PRETRANSFER_TIME_T, &connected);
  if (connected == 0 || down != silence.last_down || up != silence.last_up) {
    silence.last_down = down;
    silence.last_up = up;
    silence.since = now;
    return 0;
  }
  if (now - silence.since < silence.limit) return 0;
  silence.exceeded = true;
  return 1;  // aborts with CURLE_ABORTED_BY_CALLBACK
}

std::size_t collect(char* data, std::size_t size, std::size_t count, void* user) {
  auto& received = *static_cast<Received*>(user);
  const std::size_t bytes = size * count;
  if (received.body.size() + bytes > received.limit) {
    received.too_big = true;
    return 0;  // aborts the transfer with CURLE_WRITE_ERROR
  }
  received.body.append(data, bytes);
  return bytes;
}

HeaderList buildHeaders(const std::vector<std::pair<std::string, std::string>>& headers) {
  curl_slist* list = nullptr;
  // No "Expect: 100-continue" round trip: the services answer the POST itself.
  for (const std::string line : {std::string("Expect:"), std::string("User-Agent: ehagent")}) {
    list = curl_slist_append(list, line.c_str());
  }
  for (const auto& [name, value] : headers) list = curl_slist_append(list, (name + ": " + value).c_str());
  return HeaderList(list);
}

// The proxy for this request: the configured one, else libcurl reads HTTPS_PROXY / https_proxy
// (and NO_PROXY / no_proxy) from the environment itself.
void configureProxy(CURL* easy, const HttpClientOptions& options) {
  if (!options.proxy.empty()) curl_easy_setopt(easy, CURLOPT_PROXY, options.proxy.c_str());
  if (!options.no_proxy.empty()) curl_easy_setopt(easy, CURLOPT_NOPROXY, options.no_proxy.c_str());
  // A TLS service is reached through the proxy's CONNECT tunnel: the proxy never sees the exchange,
  // and the server's certificate is verified end to end as without a proxy.
  curl_easy_setopt(easy, CURLOPT_HTTPPROXYTUNNEL, 1L);
}

void configureTls(CURL* easy, const HttpClientOptions& options) {
  curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, 2L);
  curl_easy_setopt(easy, CURLOPT_SSLVERSION, static_cast<long>(CURL_SSLVERSION_TLSv1_2));
  // Only a full chain to a configured CA counts: a leaf certificate in the CA file is not an anchor.
  curl_easy_setopt(easy, CURLOPT_SSL_OPTIONS, static_cast<long>(CURLSSLOPT_NO_PARTIALCHAIN));
  if (!options.ca_file.empty()) curl_easy_setopt(easy, CURLOPT_CAINFO, options.ca_file.c_str());
  if (!options.ca_dir.empty()) curl_easy_setopt(easy, CURLOPT_CAPATH, options.ca_dir.c_str());
  if (!options.ca_file.empty() && options.ca_dir.empty()) curl_easy_setopt(easy, CURLOPT_CAPATH, nullptr);
  if (options.ca_file.empty() && !options.ca_dir.empty()) curl_easy_setopt(easy, CURLOPT_CAINFO, nullptr);
}

// What went wrong, in the words the callers and their tests know; a certificate refusal is
// thrown at once, because it fails again on a retry.
Failure classify(CURLcode code, CURL* easy, const Url& url, const HttpClientOptions& options, const char* detail) {
  const std::string why = detail[0] != '\0' ? detail : curl_easy_strerror(code);
  curl_off_t sent_at = 0;
  curl_easy_getinfo(easy, CURLINFO_PRETRANSFER_TIME_T, &sent_at);
  const std::string where = url.host + ":" + url.port;
  switch (code) {
    case CURLE_COULDNT_RESOLVE_HOST:
      return {Phase::connect, "cannot resolve " + url.host + ": " + why};
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_PROXY:
      return {Phase::connect, "cannot reach " + where + " through the proxy: " + why};
    case CURLE_COULDNT_CONNECT:
      return {Phase::connect, "cannot connect to " + where + ": " + why};
    case CURLE_PEER_FAILED_VERIFICATION:
      throw Error(options.service + "_unreachable", "the TLS certificate of " + url.host + " was refused: " + why);
    case CURLE_SSL_CONNECT_ERROR:
      return {Phase::connect, "TLS handshake with " + url.host + " failed: " + why};
    case CURLE_SSL_CACERT_BADFILE:
      throw Error("invalid_input", "cannot load the CA certificates for " + options.service + ": " + why);
    case CURLE_OPERATION_TIMEDOUT:
      if (sent_at == 0) return {Phase::connect, "cannot connect to " + where + " within the connect timeout"};
      return {Phase::exchange, "no answer within the read timeout"};
    case CURLE_WEIRD_SERVER_REPLY:
    case CURLE_UNSUPPORTED_PROTOCOL:
      throw Error(options.service + "_bad_response", "malformed HTTP answer: " + why);
    case CURLE_FILESIZE_EXCEEDED:
      throw tooBig(options);
    case CURLE_GOT_NOTHING:
    case CURLE_RECV_ERROR:
    case CURLE_PARTIAL_FILE:
    case CURLE_SEND_ERROR:
      return {Phase::exchange, "the connection was closed before an answer came: " + why};
    default:
      return {sent_at == 0 ? Phase::connect : Phase::exchange, "the exchange with " + where + " failed: " + why};
  }
}

std::optional<Failure> attempt(const Url& url, const std::string& url_text, const std::string& body,
                               const curl_slist* headers, const HttpClientOptions& options, HttpResponse& out) {
  Easy easy(curl_easy_init());
  if (!easy) throw Error(options.service + "_unreachable", "cannot start an HTTP exchange (out of memory)");
  CURL* e = easy.get();
  char detail[CURL_ERROR_SIZE] = {};
  Received received;
  received.limit = options.max_response_bytes;
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, detail);
  curl_easy_setopt(e, CURLOPT_URL, url_text.c_str());
  curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, url.scheme == "http" ? "http" : "https");
  curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);  // worker threads: no SIGALRM for the resolver
  curl_easy_setopt(e, CURLOPT_POST, 1L);
  curl_easy_setopt(e, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(e, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_1_1));
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options.connect_timeout.count()));
  Silence silence;
  silence.easy = e;
  silence.limit = options.read_timeout;
  curl_easy_setopt(e, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(e, CURLOPT_XFERINFOFUNCTION, watchSilence);
  curl_easy_setopt(e, CURLOPT_XFERINFODATA, &silence);
  // And a bound for the whole exchange: a server that drips its answer cannot hold a worker for
  // longer than connecting, sending and reading each at their limits.
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS,
                   static_cast<long>((options.connect_timeout + 3 * options.read_timeout).count()));
  curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(options.max_response_bytes));
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, &received);
  configureProxy(e, options);
  configureTls(e, options);
  const CURLcode code = curl_easy_perform(e);
  if (silence.exceeded) return Failure{Phase::exchange, "no answer within the read timeout"};
  if (received.too_big) {
    throw tooBig(options);
  }
  if (code != CURLE_OK) return classify(code, e, url, options, detail);
  long status = 0;
  curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
  const char* content_type = nullptr;
  curl_easy_getinfo(e, CURLINFO_CONTENT_TYPE, &content_type);
  out.status = static_cast<int>(status);
  out.content_type = content_type != nullptr ? content_type : "";
  out.body = std::move(received.body);
  return std::nullopt;
}

}  // namespace

bool isLoopbackHost(const std::string& host) {
  if (host == "localhost") return true;
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(host, ec);
  return !ec && address.is_loopback();
}

Url Url::parse(const std::string& text) {
  Url url;
  const auto scheme_end = text.find("://");
  if (scheme_end == std::string::npos) throw Error("invalid_input", "not a URL: " + text);
  url.scheme = text.substr(0, scheme_end);
  if (url.scheme != "https" && url.scheme != "http") {
    throw Error("invalid_input", "unsupported URL scheme: " + url.scheme);
  }
  std::string rest = text.substr(scheme_end + 3);
  const auto path_start = rest.find('/');
  std::string authority = rest.substr(0, path_start);
  url.target = path_start == std::string::npos ? "/" : rest.substr(path_start);
  if (authority.find('@') != std::string::npos) throw Error("invalid_input", "credentials in URLs are refused");
  std::string port;
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string::npos) throw Error("invalid_input", "unbalanced IPv6 brackets in " + text);
    url.host = authority.substr(1, close - 1);
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') throw Error("invalid_input", "bad authority in " + text);
      port = authority.substr(close + 2);
    }
  } else {
    const auto colon = authority.rfind(':');
    url.host = authority.substr(0, colon);
    if (colon != std::string::npos) port = authority.substr(colon + 1);
  }
  if (url.host.empty()) throw Error("invalid_input", "no host in URL " + text);
  if (!port.empty()) {
    if (port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos || std::stoi(port) == 0 ||
        std::stoi(port) > 65535) {
      throw Error("invalid_input", "bad port in URL " + text);
    }
  }
  url.port = port.empty() ? (url.scheme == "https" ? "443" : "80") : port;
  return url;
}

HttpClient::HttpClient(HttpClientOptions options) : options_(std::move(options)) {
  if (options_.connect_attempts < 1) options_.connect_attempts = 1;
}

HttpResponse HttpClient::post(const std::string& url_text, const std::string& body,
                              const std::vector<std::pair<std::string, std::string>>& headers) const {
  const Url url = Url::parse(url_text);
  if (url.scheme == "http" && !(options_.allow_plain_loopback && isLoopbackHost(url.host))) {
    throw Error("invalid_input", "plain HTTP is refused for " + url.host + "; use https");
  }
  initialiseCurl();
  const HeaderList header_list = buildHeaders(headers);
  std::string last_failure;
  for (int i = 0; i < options_.connect_attempts; ++i) {
    HttpResponse response;
    const auto failure = attempt(url, url_text, body, header_list.get(), options_, response);
    if (!failure) return response;
    last_failure = failure->what;
    if (failure->phase == Phase::exchange) break;
  }
  throw Error(options_.service + "_unreachable", last_failure);
}

}  // namespace ehagent::tokens
