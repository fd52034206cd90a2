#include "sandbox/random_failure.hpp"

#include <openssl/rand.h>

#include <cstdint>
#include <stdexcept>

namespace ehagent::sandbox {

bool failThisCall(int percent) {
  if (percent < 0 || percent > 100) throw std::invalid_argument("a fail percent is 0 to 100");
  if (percent == 0) return false;
  // Four random bytes: the modulo bias over 2^32 is below one in forty million, where one byte
  // (256 % 100) would fail 10 % asked as 11.7 %.
  std::uint32_t roll = 0;
  if (RAND_bytes(reinterpret_cast<unsigned char*>(&roll), sizeof roll) != 1) {
    throw std::runtime_error("the random generator failed");
  }
  return roll % 100 < static_cast<std::uint32_t>(percent);
}

}  // namespace ehagent::sandbox
