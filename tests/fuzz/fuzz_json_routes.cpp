// JSON request bodies for every route: the first byte picks a route of the full router, the rest
// is the body, sent as a well-formed, authorised request so that the bytes reach the route's own
// input checks rather than stopping at the hygiene or auth layer.
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>

#include "tests/fuzz/router_fixture.hpp"

namespace agent = ehagent::agent;

namespace {

// A plausible value for each path parameter, so that the route reads its body.
std::string targetFor(const std::string& pattern) {
  static const std::map<std::string, std::string> samples = {
      {"hub", "rsw"}, {"ssin", "15062034820"}, {"patient", "15062034820"}};
  std::string target;
  std::size_t i = 0;
  while (i < pattern.size()) {
    const std::size_t open = pattern.find('{', i);
    if (open == std::string::npos) break;
    const std::size_t close = pattern.find('}', open);
    target += pattern.substr(i, open - i);
    const auto it = samples.find(pattern.substr(open + 1, close - open - 1));
    target += it == samples.end() ? "x" : it->second;
    i = close + 1;
  }
  return target + pattern.substr(i);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static ehagent::fuzz::RouterFixture fixture;
  if (size == 0) return 0;
  const auto& routes = fixture.router().routes();
  const agent::Route& route = routes[data[0] % routes.size()];

  agent::Request request{route.method, targetFor(route.pattern), 11};
  request.set(agent::http::field::host, "127.0.0.1:" + std::to_string(ehagent::fuzz::fuzz_port));
  request.set(agent::http::field::authorization, std::string("Bearer ") + ehagent::fuzz::fixed_client_key);
  request.set(agent::http::field::content_type, "application/json");
  request.body().assign(reinterpret_cast<const char*>(data) + 1, size - 1);
  request.prepare_payload();
  (void)fixture.handle(request);
  return 0;
}
