#pragma once
// PKCS#11 URIs (RFC 7512), parsed, matched and written by p11-kit's own implementation, so that
// a URI the agent prints is one that p11tool, pkcs11-tool --uri or OpenSSL's pkcs11 provider
// read the same way. They name a module ("pkcs11:?module-name=opensc-pkcs11"), a token
// ("pkcs11:token=eHealth%20Alice") or an object on it ("...;object=Authentication;type=private").
#include <memory>
#include <string>
#include <string_view>

#include "pkcs11/types.hpp"

namespace ehagent::pkcs11 {

[[nodiscard]] bool isUri(std::string_view text) noexcept;

class Uri {
 public:
  // Throws Error(ErrorKind::Other) with p11-kit's reason for a malformed URI; an attribute p11-kit
  // does not know is refused too, since matching would silently ignore it.
  static Uri parse(const std::string& text);
  Uri(Uri&&) noexcept;
  Uri& operator=(Uri&&) noexcept;
  ~Uri();

  [[nodiscard]] const std::string& text() const noexcept { return text_; }
  [[nodiscard]] std::string modulePath() const;  // module-path, or ""
  [[nodiscard]] std::string moduleName() const;  // module-name, or ""
  // Whether the token attributes it names (token, manufacturer, serial, model) all match; a URI
  // that names none matches every token.
  [[nodiscard]] bool matchesToken(const TokenInfo& token) const;
  // Whether the URI names a token at all (a bare "pkcs11:" or one with only module parts does not).
  [[nodiscard]] bool namesToken() const;

 private:
  struct Impl;
  explicit Uri(std::unique_ptr<Impl> impl, std::string text);
  std::unique_ptr<Impl> impl_;
  std::string text_;
};

// A token chosen on the command line or in the config: a PKCS#11 URI matched against the token's
// attributes, or else its label exactly.
[[nodiscard]] bool tokenSelected(const std::string& selector, const TokenInfo& token);

// The URI of a token: "pkcs11:model=...;manufacturer=...;serial=...;token=...".
[[nodiscard]] std::string tokenUri(const TokenInfo& token);
// The URI of an object on it: the token's, plus object=<label>, id=<bytes> and type=private|cert.
[[nodiscard]] std::string objectUri(const TokenInfo& token, const std::string& label, const Bytes& id,
                                    std::string_view type);

// A module entry of the config or the command line, as a file: a path stays as it is; a URI gives
// its module-path, or the file of the p11-kit-registered module its module-name names. Throws
// Error(ModuleLoad) naming the entry when no registered module has that name.
[[nodiscard]] std::string resolveModule(const std::string& entry);

}  // namespace ehagent::pkcs11
