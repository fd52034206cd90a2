#include "tokens/xml/trust.hpp"

#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include "tokens/error.hpp"
#include "tokens/sign/ossl.hpp"

namespace ehagent::tokens {

void requireTrusted(const certs::Certificate& cert, const std::vector<certs::Certificate>& trusted) {
  detail::Owned<X509_STORE, X509_STORE_free> store(X509_STORE_new());
  detail::Owned<X509_STORE_CTX, X509_STORE_CTX_free> ctx(X509_STORE_CTX_new());
  if (!store || !ctx) throw Error("crypto_error", "out of memory");
  for (const certs::Certificate& t : trusted)
    // X509_STORE_add_cert takes a reference of its own; the Certificate keeps its object.
    if (X509_STORE_add_cert(store.get(), const_cast<X509*>(t.native())) != 1)
      throw Error("crypto_error", "cannot add a trusted certificate: " + detail::takeOpensslErrors());
  // A trusted end-entity or intermediate certificate is an anchor on its own: eHealth pins the STS
  // certificate rather than a root.
  X509_STORE_set_flags(store.get(), X509_V_FLAG_PARTIAL_CHAIN);
  if (X509_STORE_CTX_init(ctx.get(), store.get(), const_cast<X509*>(cert.native()), nullptr) != 1)
    throw Error("crypto_error", "X509_STORE_CTX_init failed: " + detail::takeOpensslErrors());
  if (X509_verify_cert(ctx.get()) != 1) {
    const int err = X509_STORE_CTX_get_error(ctx.get());
    ERR_clear_error();
    throw Error("signature_untrusted", std::string("signing certificate not trusted: ") +
                                           X509_verify_cert_error_string(err) + " (" + cert.subject() + ")");
  }
}

}  // namespace ehagent::tokens
