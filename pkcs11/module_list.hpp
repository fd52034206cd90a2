#pragma once
// Where to look for PKCS#11 modules when the user names none: the Belgian eID middleware,
// OpenSC, the modules registered with p11-kit, and $EHAGENT_PKCS11_MODULE.
#include <string>
#include <vector>

namespace ehagent::pkcs11 {

inline constexpr const char* kBeidModulePath = "/usr/lib/x86_64-linux-gnu/libbeidpkcs11.so.0";
inline constexpr const char* kOpenscModulePath = "/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so";

// Existing module files, each once (by canonical path), in the order above.
[[nodiscard]] std::vector<std::string> defaultModulePaths();

// The file names of p11-kit's registered modules (empty when p11-kit has none or fails).
[[nodiscard]] std::vector<std::string> p11kitRegisteredModules();

}  // namespace ehagent::pkcs11
