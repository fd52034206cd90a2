#include "certs/openssl_util.hpp"

#include <openssl/err.h>

namespace ehagent::certs::detail {

std::string takeOpensslErrors() {
  std::string text;
  while (unsigned long err = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(err, buf, sizeof buf);
    if (!text.empty()) text += "; ";
    text += buf;
  }
  return text.empty() ? "no OpenSSL detail" : text;
}

}  // namespace ehagent::certs::detail
