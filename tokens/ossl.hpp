#pragma once
// Private to tokens/: RAII owners for the OpenSSL objects tokens/ uses. No public header
// includes this file.
#include <openssl/bn.h>
#include <openssl/ecdsa.h>
#include <openssl/err.h>
#include <openssl/evp.h>

#include <memory>
#include <string>

namespace ehagent::tokens::detail {

template <auto Fn>
struct Deleter {
  template <typename T>
  void operator()(T* p) const noexcept {
    Fn(p);
  }
};
template <typename T, auto Fn>
using Owned = std::unique_ptr<T, Deleter<Fn>>;

using EvpPkeyPtr = Owned<EVP_PKEY, EVP_PKEY_free>;
using EvpMdCtxPtr = Owned<EVP_MD_CTX, EVP_MD_CTX_free>;
using EcdsaSigPtr = Owned<ECDSA_SIG, ECDSA_SIG_free>;
using BignumPtr = Owned<BIGNUM, BN_free>;

// Drains the OpenSSL error queue into one line, so that a later failure does not report a stale
// error from an earlier call.
inline std::string takeOpensslErrors() {
  std::string text;
  while (unsigned long e = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    if (!text.empty()) text += "; ";
    text += buf;
  }
  return text.empty() ? "no OpenSSL detail" : text;
}

}  // namespace ehagent::tokens::detail
