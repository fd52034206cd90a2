#include "pkcs11/error.hpp"

#include <p11-kit/pkcs11.h>

#include <array>
#include <cstdio>
#include <utility>

namespace ehagent::pkcs11 {
namespace {

struct NamedRv {
  CK_RV rv;
  std::string_view name;
};

constexpr std::array kNames{
    NamedRv{CKR_OK, "CKR_OK"},
    NamedRv{CKR_CANCEL, "CKR_CANCEL"},
    NamedRv{CKR_HOST_MEMORY, "CKR_HOST_MEMORY"},
    NamedRv{CKR_SLOT_ID_INVALID, "CKR_SLOT_ID_INVALID"},
    NamedRv{CKR_GENERAL_ERROR, "CKR_GENERAL_ERROR"},
    NamedRv{CKR_FUNCTION_FAILED, "CKR_FUNCTION_FAILED"},
    NamedRv{CKR_ARGUMENTS_BAD, "CKR_ARGUMENTS_BAD"},
    NamedRv{CKR_NO_EVENT, "CKR_NO_EVENT"},
    NamedRv{CKR_CANT_LOCK, "CKR_CANT_LOCK"},
    NamedRv{CKR_ATTRIBUTE_SENSITIVE, "CKR_ATTRIBUTE_SENSITIVE"},
    NamedRv{CKR_ATTRIBUTE_TYPE_INVALID, "CKR_ATTRIBUTE_TYPE_INVALID"},
    NamedRv{CKR_ATTRIBUTE_VALUE_INVALID, "CKR_ATTRIBUTE_VALUE_INVALID"},
    NamedRv{CKR_DATA_INVALID, "CKR_DATA_INVALID"},
    NamedRv{CKR_DATA_LEN_RANGE, "CKR_DATA_LEN_RANGE"},
    NamedRv{CKR_DEVICE_ERROR, "CKR_DEVICE_ERROR"},
    NamedRv{CKR_DEVICE_MEMORY, "CKR_DEVICE_MEMORY"},
    NamedRv{CKR_DEVICE_REMOVED, "CKR_DEVICE_REMOVED"},
    NamedRv{CKR_FUNCTION_CANCELED, "CKR_FUNCTION_CANCELED"},
    NamedRv{CKR_FUNCTION_NOT_SUPPORTED, "CKR_FUNCTION_NOT_SUPPORTED"},
    NamedRv{CKR_KEY_HANDLE_INVALID, "CKR_KEY_HANDLE_INVALID"},
    NamedRv{CKR_KEY_TYPE_INCONSISTENT, "CKR_KEY_TYPE_INCONSISTENT"},
    NamedRv{CKR_KEY_FUNCTION_NOT_PERMITTED, "CKR_KEY_FUNCTION_NOT_PERMITTED"},
    NamedRv{CKR_MECHANISM_INVALID, "CKR_MECHANISM_INVALID"},
    NamedRv{CKR_MECHANISM_PARAM_INVALID, "CKR_MECHANISM_PARAM_INVALID"},
    NamedRv{CKR_OBJECT_HANDLE_INVALID, "CKR_OBJECT_HANDLE_INVALID"},
    NamedRv{CKR_OPERATION_ACTIVE, "CKR_OPERATION_ACTIVE"},
    NamedRv{CKR_OPERATION_NOT_INITIALIZED, "CKR_OPERATION_NOT_INITIALIZED"},
    NamedRv{CKR_PIN_INCORRECT, "CKR_PIN_INCORRECT"},
    NamedRv{CKR_PIN_INVALID, "CKR_PIN_INVALID"},
    NamedRv{CKR_PIN_LEN_RANGE, "CKR_PIN_LEN_RANGE"},
    NamedRv{CKR_PIN_EXPIRED, "CKR_PIN_EXPIRED"},
    NamedRv{CKR_PIN_LOCKED, "CKR_PIN_LOCKED"},
    NamedRv{CKR_SESSION_CLOSED, "CKR_SESSION_CLOSED"},
    NamedRv{CKR_SESSION_COUNT, "CKR_SESSION_COUNT"},
    NamedRv{CKR_SESSION_HANDLE_INVALID, "CKR_SESSION_HANDLE_INVALID"},
    NamedRv{CKR_SESSION_PARALLEL_NOT_SUPPORTED, "CKR_SESSION_PARALLEL_NOT_SUPPORTED"},
    NamedRv{CKR_SESSION_READ_ONLY, "CKR_SESSION_READ_ONLY"},
    NamedRv{CKR_SESSION_EXISTS, "CKR_SESSION_EXISTS"},
    NamedRv{CKR_SESSION_READ_ONLY_EXISTS, "CKR_SESSION_READ_ONLY_EXISTS"},
    NamedRv{CKR_SESSION_READ_WRITE_SO_EXISTS, "CKR_SESSION_READ_WRITE_SO_EXISTS"},
    NamedRv{CKR_SIGNATURE_INVALID, "CKR_SIGNATURE_INVALID"},
    NamedRv{CKR_SIGNATURE_LEN_RANGE, "CKR_SIGNATURE_LEN_RANGE"},
    NamedRv{CKR_TEMPLATE_INCOMPLETE, "CKR_TEMPLATE_INCOMPLETE"},
    NamedRv{CKR_TEMPLATE_INCONSISTENT, "CKR_TEMPLATE_INCONSISTENT"},
    NamedRv{CKR_TOKEN_NOT_PRESENT, "CKR_TOKEN_NOT_PRESENT"},
    NamedRv{CKR_TOKEN_NOT_RECOGNIZED, "CKR_TOKEN_NOT_RECOGNIZED"},
    NamedRv{CKR_TOKEN_WRITE_PROTECTED, "CKR_TOKEN_WRITE_PROTECTED"},
    NamedRv{CKR_USER_ALREADY_LOGGED_IN, "CKR_USER_ALREADY_LOGGED_IN"},
    NamedRv{CKR_USER_NOT_LOGGED_IN, "CKR_USER_NOT_LOGGED_IN"},
    NamedRv{CKR_USER_PIN_NOT_INITIALIZED, "CKR_USER_PIN_NOT_INITIALIZED"},
    NamedRv{CKR_USER_TYPE_INVALID, "CKR_USER_TYPE_INVALID"},
    NamedRv{CKR_USER_ANOTHER_ALREADY_LOGGED_IN, "CKR_USER_ANOTHER_ALREADY_LOGGED_IN"},
    NamedRv{CKR_USER_TOO_MANY_TYPES, "CKR_USER_TOO_MANY_TYPES"},
    NamedRv{CKR_BUFFER_TOO_SMALL, "CKR_BUFFER_TOO_SMALL"},
    NamedRv{CKR_CRYPTOKI_NOT_INITIALIZED, "CKR_CRYPTOKI_NOT_INITIALIZED"},
    NamedRv{CKR_CRYPTOKI_ALREADY_INITIALIZED, "CKR_CRYPTOKI_ALREADY_INITIALIZED"},
};

}  // namespace

std::string_view toString(ErrorKind kind) noexcept {
  switch (kind) {
    case ErrorKind::PinIncorrect: return "pin_incorrect";
    case ErrorKind::PinLocked: return "pin_locked";
    case ErrorKind::PinLenRange: return "pin_length";
    case ErrorKind::Cancelled: return "cancelled";
    case ErrorKind::CardRemoved: return "card_removed";
    case ErrorKind::NotLoggedIn: return "not_logged_in";
    case ErrorKind::KeyNotFound: return "key_not_found";
    case ErrorKind::ModuleLoad: return "module_load";
    case ErrorKind::NotSupported: return "not_supported";
    case ErrorKind::Other: return "other";
  }
  return "other";
}

std::string ckrName(unsigned long rv) {
  for (const auto& named : kNames) {
    if (named.rv == rv) return std::string(named.name);
  }
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "CKR_0x%08lX", rv);
  return buffer;
}

ErrorKind kindOf(unsigned long rv) noexcept {
  switch (rv) {
    case CKR_PIN_INCORRECT:
    case CKR_PIN_INVALID: return ErrorKind::PinIncorrect;
    case CKR_PIN_LOCKED:
    case CKR_PIN_EXPIRED: return ErrorKind::PinLocked;
    case CKR_PIN_LEN_RANGE: return ErrorKind::PinLenRange;
    case CKR_FUNCTION_CANCELED:
    case CKR_CANCEL: return ErrorKind::Cancelled;
    // After a card is pulled, modules answer with any of these; a session handle that was valid
    // a moment ago turning invalid is how the beid module reports a removal mid-operation.
    case CKR_DEVICE_REMOVED:
    case CKR_TOKEN_NOT_PRESENT:
    case CKR_SESSION_HANDLE_INVALID:
    case CKR_SESSION_CLOSED:
    case CKR_TOKEN_NOT_RECOGNIZED: return ErrorKind::CardRemoved;
    case CKR_USER_NOT_LOGGED_IN: return ErrorKind::NotLoggedIn;
    case CKR_KEY_HANDLE_INVALID:
    case CKR_OBJECT_HANDLE_INVALID: return ErrorKind::KeyNotFound;
    case CKR_FUNCTION_NOT_SUPPORTED:
    case CKR_MECHANISM_INVALID: return ErrorKind::NotSupported;
    default: return ErrorKind::Other;
  }
}

Error::Error(ErrorKind kind, std::string function, unsigned long rv, const std::string& message)
    : std::runtime_error(message), kind_(kind), function_(std::move(function)), rv_(rv) {}

std::string_view Error::ckrName() const noexcept {
  for (const auto& named : kNames) {
    if (named.rv == rv_) return named.name;
  }
  return "CKR_VENDOR_DEFINED";
}

bool Error::retriable() const noexcept {
  return kind_ == ErrorKind::PinIncorrect || kind_ == ErrorKind::CardRemoved ||
         kind_ == ErrorKind::Cancelled;
}

void check(unsigned long rv, std::string_view function, std::source_location where) {
  if (rv == CKR_OK) return;
  const std::string name = ckrName(rv);
  std::string_view file = where.file_name();
  if (const auto slash = file.rfind('/'); slash != std::string_view::npos) file.remove_prefix(slash + 1);
  std::string message = std::string(function) + " failed: " + name + " (in " +
                        where.function_name() + ", " + std::string(file) + ":" +
                        std::to_string(where.line()) + ")";
  throw Error(kindOf(rv), std::string(function), rv, message);
}

void fail(ErrorKind kind, std::string_view function, const std::string& message) {
  throw Error(kind, std::string(function), CKR_OK, std::string(function) + ": " + message);
}

}  // namespace ehagent::pkcs11
