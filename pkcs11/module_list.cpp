#include "pkcs11/module_list.hpp"

#include <p11-kit/p11-kit.h>

#include <cstdlib>
#include <filesystem>
#include <set>

namespace ehagent::pkcs11 {

std::vector<std::string> p11kitRegisteredModules() {
  std::vector<std::string> paths;
  // UNMANAGED: p11-kit only reads its configuration and dlopens; nothing is initialised.
  CK_FUNCTION_LIST** modules = p11_kit_modules_load(nullptr, P11_KIT_MODULE_UNMANAGED);
  if (!modules) return paths;
  for (CK_FUNCTION_LIST** m = modules; *m; ++m) {
    if (char* name = p11_kit_module_get_filename(*m)) {
      paths.emplace_back(name);
      std::free(name);  // p11-kit hands over ownership of the string
    }
  }
  p11_kit_modules_release(modules);
  return paths;
}

std::vector<std::string> defaultModulePaths() {
  std::vector<std::string> candidates{kBeidModulePath, kOpenscModulePath};
  for (auto& path : p11kitRegisteredModules()) candidates.push_back(std::move(path));
  if (const char* env = std::getenv("EHAGENT_PKCS11_MODULE"); env && *env) candidates.emplace_back(env);

  std::vector<std::string> result;
  std::set<std::filesystem::path> seen;
  for (const auto& path : candidates) {
    std::error_code ec;
    const auto canonical = std::filesystem::canonical(path, ec);
    if (ec) continue;  // not installed here
    if (seen.insert(canonical).second) result.push_back(path);
  }
  return result;
}

}  // namespace ehagent::pkcs11
