// The PKCS#12 import (certs' reader): any bytes, with the specimen keystore's password and with
// an empty one. A keystore that opens must answer every accessor without crashing.
#include <cstddef>
#include <cstdint>
#include <span>

#include "certs/error.hpp"
#include "certs/pkcs12.hpp"
#include "core/secret.hpp"

namespace {

void tryOpen(std::span<const std::uint8_t> der, const ehagent::Secret& password) {
  try {
    const auto p12 = ehagent::certs::Pkcs12::parse(der, password);
    (void)p12.certificate();
    (void)p12.chain().size();
    (void)p12.aliases().size();
    (void)p12.keyMatchesCertificate();
    (void)p12.keyAlgorithm();
    (void)p12.privateKey();
  } catch (const ehagent::certs::Error&) {
    // p12_invalid, p12_password, p12_no_authentication: the expected answers to bad input.
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> der(data, size);
  // The password of the seed keystores (scripts in corpus/pkcs12/README.md).
  static const ehagent::Secret specimen_password("fuzz-p12");
  static const ehagent::Secret empty_password;
  tryOpen(der, specimen_password);
  tryOpen(der, empty_password);
  return 0;
}
