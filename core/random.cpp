#include "core/random.hpp"

#include <openssl/rand.h>

#include "core/bytes.hpp"
#include "core/error.hpp"

namespace ehagent {

std::string randomBytes(std::size_t count) {
  std::string out(count, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(count)) != 1) {
    throw Error("crypto_error", "the random number generator failed");
  }
  return out;
}

std::string randomId(std::string_view prefix) {
  std::string id(prefix);
  id += '-';
  id += toHex(asBytes(randomBytes(16)));
  return id;
}

}  // namespace ehagent
