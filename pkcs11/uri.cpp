#include "pkcs11/uri.hpp"

#include <p11-kit/p11-kit.h>
#include <p11-kit/uri.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "pkcs11/error.hpp"

namespace ehagent::pkcs11 {
namespace {

// Cryptoki's fixed-width, blank-padded text fields.
template <std::size_t N>
void pad(CK_UTF8CHAR (&field)[N], const std::string& text) {
  std::memset(field, ' ', N);
  std::memcpy(field, text.data(), std::min(N, text.size()));
}

CK_TOKEN_INFO cryptokiTokenInfo(const TokenInfo& token) {
  CK_TOKEN_INFO info{};
  pad(info.label, token.label);
  pad(info.manufacturerID, token.manufacturer);
  pad(info.model, token.model);
  CK_UTF8CHAR serial[sizeof info.serialNumber];
  pad(serial, token.serialNumber);
  std::memcpy(info.serialNumber, serial, sizeof serial);
  return info;
}

struct UriOwner {
  void operator()(P11KitUri* uri) const noexcept { p11_kit_uri_free(uri); }
};
using UriPtr = std::unique_ptr<P11KitUri, UriOwner>;

std::string format(P11KitUri* uri, P11KitUriType type) {
  char* text = nullptr;
  if (p11_kit_uri_format(uri, type, &text) != P11_KIT_URI_OK || text == nullptr) {
    throw Error(ErrorKind::Other, "p11_kit_uri_format", 0, "cannot write a PKCS#11 URI");
  }
  std::string out(text);
  std::free(text);
  return out;
}

// The fields of the token part that a URI can name, unset (all zero) when it names none.
bool fieldSet(const CK_UTF8CHAR* field) { return field[0] != 0; }

}  // namespace

bool isUri(std::string_view text) noexcept { return text.starts_with("pkcs11:"); }

struct Uri::Impl {
  UriPtr uri;
};

Uri::Uri(std::unique_ptr<Impl> impl, std::string text) : impl_(std::move(impl)), text_(std::move(text)) {}
Uri::Uri(Uri&&) noexcept = default;
Uri& Uri::operator=(Uri&&) noexcept = default;
Uri::~Uri() = default;

Uri Uri::parse(const std::string& text) {
  auto impl = std::make_unique<Impl>();
  impl->uri.reset(p11_kit_uri_new());
  const int rc = p11_kit_uri_parse(text.c_str(), P11_KIT_URI_FOR_ANY, impl->uri.get());
  if (rc != P11_KIT_URI_OK) {
    throw Error(ErrorKind::Other, "p11_kit_uri_parse", 0,
                "'" + text + "' is not a PKCS#11 URI (RFC 7512): " + p11_kit_uri_message(rc));
  }
  if (p11_kit_uri_any_unrecognized(impl->uri.get())) {
    throw Error(ErrorKind::Other, "p11_kit_uri_parse", 0,
                "'" + text + "' has an attribute this agent cannot match (RFC 7512 names: token, " +
                    "manufacturer, serial, model, object, id, type, and the query attributes ?module-name= and " +
                    "?module-path=)");
  }
  return Uri(std::move(impl), text);
}

std::string Uri::modulePath() const {
  const char* path = p11_kit_uri_get_module_path(impl_->uri.get());
  return path ? path : "";
}

std::string Uri::moduleName() const {
  const char* name = p11_kit_uri_get_module_name(impl_->uri.get());
  return name ? name : "";
}

bool Uri::matchesToken(const TokenInfo& token) const {
  CK_TOKEN_INFO info = cryptokiTokenInfo(token);
  return p11_kit_uri_match_token_info(impl_->uri.get(), &info) == 1;
}

bool Uri::namesToken() const {
  const CK_TOKEN_INFO* info = p11_kit_uri_get_token_info(impl_->uri.get());
  return fieldSet(info->label) || fieldSet(info->manufacturerID) || fieldSet(info->model) ||
         fieldSet(info->serialNumber);
}

bool tokenSelected(const std::string& selector, const TokenInfo& token) {
  if (!isUri(selector)) return token.label == selector;
  return Uri::parse(selector).matchesToken(token);
}

std::string tokenUri(const TokenInfo& token) {
  UriPtr uri(p11_kit_uri_new());
  *p11_kit_uri_get_token_info(uri.get()) = cryptokiTokenInfo(token);
  return format(uri.get(), P11_KIT_URI_FOR_TOKEN);
}

std::string objectUri(const TokenInfo& token, const std::string& label, const Bytes& id, std::string_view type) {
  UriPtr uri(p11_kit_uri_new());
  *p11_kit_uri_get_token_info(uri.get()) = cryptokiTokenInfo(token);
  CK_ATTRIBUTE label_attribute{CKA_LABEL, const_cast<char*>(label.data()), label.size()};
  p11_kit_uri_set_attribute(uri.get(), &label_attribute);
  if (!id.empty()) {
    CK_ATTRIBUTE id_attribute{CKA_ID, const_cast<std::uint8_t*>(id.data()), id.size()};
    p11_kit_uri_set_attribute(uri.get(), &id_attribute);
  }
  CK_OBJECT_CLASS object_class = type == "cert" ? CKO_CERTIFICATE : type == "public" ? CKO_PUBLIC_KEY : CKO_PRIVATE_KEY;
  CK_ATTRIBUTE class_attribute{CKA_CLASS, &object_class, sizeof object_class};
  p11_kit_uri_set_attribute(uri.get(), &class_attribute);
  return format(uri.get(), P11_KIT_URI_FOR_OBJECT_ON_TOKEN);
}

std::string resolveModule(const std::string& entry) {
  if (!isUri(entry)) return entry;
  const Uri uri = Uri::parse(entry);
  if (const std::string path = uri.modulePath(); !path.empty()) return path;
  const std::string name = uri.moduleName();
  if (name.empty()) {
    throw Error(ErrorKind::ModuleLoad, "", 0, "'" + entry + "' names no module: give ?module-name= or ?module-path=");
  }
  // UNMANAGED: p11-kit reads its registry and dlopens; nothing is initialised here.
  CK_FUNCTION_LIST** modules = p11_kit_modules_load(nullptr, P11_KIT_MODULE_UNMANAGED);
  std::string found;
  for (CK_FUNCTION_LIST** m = modules; m != nullptr && *m != nullptr && found.empty(); ++m) {
    char* registered = p11_kit_module_get_name(*m);
    if (registered != nullptr && name == registered) {
      if (char* file = p11_kit_module_get_filename(*m)) {
        found = file;
        std::free(file);
      }
    }
    std::free(registered);
  }
  if (modules != nullptr) p11_kit_modules_release(modules);
  if (found.empty()) {
    throw Error(ErrorKind::ModuleLoad, "", 0,
                "no module named '" + name + "' is registered with p11-kit (see p11-kit list-modules)");
  }
  return found;
}

}  // namespace ehagent::pkcs11
