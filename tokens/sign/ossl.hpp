#pragma once
// Private to tokens/: the OpenSSL owners tokens/ uses. They are certs/' Owned template and error
// text (tokens/ depends on certs/), so there is one deleter and one error drain in the project.
// No public header includes this file.
#include <openssl/bn.h>
#include <openssl/ecdsa.h>
#include <openssl/err.h>
#include <openssl/evp.h>

#include "certs/openssl_util.hpp"
#include "tokens/sign/signer.hpp"

namespace ehagent::tokens::detail {

using certs::detail::Owned;
using certs::detail::takeOpensslErrors;

using EvpPkeyPtr = certs::detail::EvpPkeyPtr;
using EvpMdCtxPtr = Owned<EVP_MD_CTX, EVP_MD_CTX_free>;
using EcdsaSigPtr = Owned<ECDSA_SIG, ECDSA_SIG_free>;
using BignumPtr = Owned<BIGNUM, BN_free>;

// An EVP_MD_CTX ready to sign (`sign`) or verify with `key` under `alg`: its digest and, for
// RSA-PSS, the padding, salt length and MGF1 digest. Throws tokens::Error(`code`). (crypto.cpp)
EvpMdCtxPtr digestContext(EVP_PKEY* key, SignatureAlgorithm alg, bool sign, const char* code);

}  // namespace ehagent::tokens::detail
