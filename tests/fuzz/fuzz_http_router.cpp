// The HTTP request path: raw bytes through Beast's request parser, with the server's header and
// body limits, then Router::handle (hygiene, routing, auth, every route) without a socket.
#include <cstddef>
#include <cstdint>

#include <boost/beast/core/buffers_prefix.hpp>
#include <boost/beast/http/parser.hpp>

#include "tests/fuzz/router_fixture.hpp"

namespace http = boost::beast::http;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static ehagent::fuzz::RouterFixture fixture;
  const ehagent::agent::Limits limits;

  // A connection reads requests one after another from the same bytes (pipelining).
  boost::asio::const_buffer rest(data, size);
  for (int request_index = 0; request_index < 4 && rest.size() > 0; ++request_index) {
    http::request_parser<http::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(limits.header_bytes));
    parser.body_limit(limits.body_bytes);
    parser.eager(true);
    boost::system::error_code ec;
    const std::size_t used = parser.put(rest, ec);
    if (ec == http::error::need_more) {
      parser.put_eof(ec);  // the peer closed: a request without a length ends here
    }
    if (ec || !parser.is_done()) return 0;  // the server answers 400/413/431 and closes
    rest += used;
    (void)fixture.handle(parser.release());
  }
  return 0;
}
