#pragma once
// Internal to pkcs11/: gives the folder's .cpp files the C function list of a Module. Not for
// use outside this folder; public headers stay free of pkcs11.h.
#include <p11-kit/pkcs11.h>

#include <string>

#include "pkcs11/module.hpp"

namespace ehagent::pkcs11::detail {

inline CK_FUNCTION_LIST* functions(const Module& module) noexcept {
  // The list is owned by the module library and lives as long as the dlopen handle.
  return static_cast<CK_FUNCTION_LIST*>(const_cast<void*>(module.functionList()));
}

// Cryptoki pads fixed-width text fields with blanks and does not NUL-terminate them.
template <std::size_t N>
std::string paddedText(const CK_UTF8CHAR (&field)[N]) {
  std::string text(reinterpret_cast<const char*>(field), N);
  const auto end = text.find_last_not_of(" \0", std::string::npos, 2);
  text.erase(end == std::string::npos ? 0 : end + 1);
  return text;
}

}  // namespace ehagent::pkcs11::detail
