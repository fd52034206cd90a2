#include "pkcs11/types.hpp"

#include <p11-kit/pkcs11.h>

#include <cstring>

namespace ehagent::pkcs11 {

PinStatus pinStatusFromFlags(unsigned long flags) noexcept {
  PinStatus status;
  status.countLow = (flags & CKF_USER_PIN_COUNT_LOW) != 0;
  status.finalTry = (flags & CKF_USER_PIN_FINAL_TRY) != 0;
  status.locked = (flags & CKF_USER_PIN_LOCKED) != 0;
  status.initialized = (flags & CKF_USER_PIN_INITIALIZED) != 0;
  if (status.locked) {
    status.triesLeft = 0;
  } else if (status.finalTry) {
    status.triesLeft = 1;
  } else if (status.countLow) {
    status.triesLeft = 2;
  } else {
    status.triesLeft = 3;
  }
  return status;
}

Attribute Attribute::bytes(unsigned long type, Bytes value) { return {type, std::move(value)}; }

Attribute Attribute::text(unsigned long type, const std::string& value) {
  return {type, Bytes(value.begin(), value.end())};
}

Attribute Attribute::ulong(unsigned long type, unsigned long value) {
  CK_ULONG native = value;
  Bytes raw(sizeof native);
  std::memcpy(raw.data(), &native, sizeof native);
  return {type, std::move(raw)};
}

Attribute Attribute::boolean(unsigned long type, bool value) {
  return {type, Bytes{static_cast<std::uint8_t>(value ? CK_TRUE : CK_FALSE)}};
}

Bytes nativeUlongId(unsigned long id) { return Attribute::ulong(CKA_ID, id).value; }

std::optional<unsigned long> parseNativeUlongId(const Bytes& id) {
  CK_ULONG native = 0;
  if (id.size() != sizeof native) return std::nullopt;
  std::memcpy(&native, id.data(), sizeof native);
  return native;
}

}  // namespace ehagent::pkcs11
