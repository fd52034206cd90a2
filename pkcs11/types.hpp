#pragma once
// Plain values describing slots, tokens and objects, free of pkcs11.h so that callers need not
// include the C header.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/bytes.hpp"

namespace ehagent::pkcs11 {

using SlotId = unsigned long;
using ObjectHandle = unsigned long;
using ehagent::Bytes;

struct SlotInfo {
  SlotId id = 0;
  std::string description;   // the reader name for a card reader
  std::string manufacturer;
  bool tokenPresent = false;
  bool removableDevice = false;
  bool hardwareSlot = false;
};

// What the token flags say about the user PIN. Tokens do not report an exact count; the flags
// give "fewer than the maximum", "one left" and "none left" and the eID allows 3 tries.
struct PinStatus {
  int triesLeft = 3;
  bool countLow = false;
  bool finalTry = false;
  bool locked = false;
  bool initialized = true;
};

struct TokenInfo {
  std::string label;
  std::string manufacturer;
  std::string model;
  std::string serialNumber;
  unsigned long flags = 0;
  bool loginRequired = false;
  bool protectedAuthenticationPath = false;  // a pinpad, or a module that shows its own dialog
  bool tokenInitialized = false;
  bool writeProtected = false;
  unsigned long minPinLength = 0;
  unsigned long maxPinLength = 0;
  PinStatus pin;
};

// Builds the PinStatus from raw CKF_* token flags.
[[nodiscard]] PinStatus pinStatusFromFlags(unsigned long flags) noexcept;

// One attribute of a search or creation template. Values are the raw bytes Cryptoki expects;
// the helpers lay out CK_ULONG and CK_BBOOL values in host form.
struct Attribute {
  unsigned long type = 0;
  Bytes value;

  static Attribute bytes(unsigned long type, Bytes value);
  static Attribute text(unsigned long type, const std::string& value);
  static Attribute ulong(unsigned long type, unsigned long value);
  static Attribute boolean(unsigned long type, bool value);
};

// CKA_ID as the beid module lays it out: a native CK_ULONG in host width and byte order.
[[nodiscard]] Bytes nativeUlongId(unsigned long id);
// The reverse; nullopt when the bytes are not sizeof(CK_ULONG) long.
[[nodiscard]] std::optional<unsigned long> parseNativeUlongId(const Bytes& id);

}  // namespace ehagent::pkcs11
