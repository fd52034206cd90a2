#pragma once
// RAII owners for OpenSSL objects and the OpenSSL error queue as text, shared by the folders
// that use OpenSSL (certs/, tokens/ through tokens/sign/ossl.hpp, sandbox/).
// Not included by any public header.
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/ocsp.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <string>

#include "certs/certificate.hpp"
#include "core/owned.hpp"

namespace ehagent::certs::detail {

using ehagent::Owned;

using BioPtr = Owned<BIO, BIO_free_all>;
using X509Ptr = Owned<X509, X509_free>;
using X509CrlPtr = Owned<X509_CRL, X509_CRL_free>;
using X509StorePtr = Owned<X509_STORE, X509_STORE_free>;
using X509StoreCtxPtr = Owned<X509_STORE_CTX, X509_STORE_CTX_free>;
using EvpPkeyPtr = Owned<EVP_PKEY, EVP_PKEY_free>;
using Pkcs12Ptr = Owned<PKCS12, PKCS12_free>;
using OcspRequestPtr = Owned<OCSP_REQUEST, OCSP_REQUEST_free>;
using OcspResponsePtr = Owned<OCSP_RESPONSE, OCSP_RESPONSE_free>;
using OcspBasicPtr = Owned<OCSP_BASICRESP, OCSP_BASICRESP_free>;
using OcspCertIdPtr = Owned<OCSP_CERTID, OCSP_CERTID_free>;
using BignumPtr = Owned<BIGNUM, BN_clear_free>;

inline void freeX509Stack(STACK_OF(X509) * s) noexcept { sk_X509_pop_free(s, X509_free); }
using X509StackPtr = Owned<STACK_OF(X509), freeX509Stack>;

// Drains the OpenSSL error queue into one line, so that a later failure does not report a stale
// error from an earlier call.
std::string takeOpensslErrors();

// Throws Error("certificate_invalid") for an unreadable time.
TimePoint toTimePoint(const ASN1_TIME* time);

}  // namespace ehagent::certs::detail
