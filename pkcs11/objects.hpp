#pragma once
// Creating objects on a token: key pairs generated on the token (the key never leaves it), keys
// imported from raw components (a .p12 read by the caller), certificates and data objects.
// Nothing here parses X.509 or key formats; callers hand over bytes.
#include <string>

#include "pkcs11/session.hpp"
#include "pkcs11/types.hpp"

namespace ehagent::pkcs11 {

struct KeyAttributes {
  std::string label;
  Bytes id;
  // The eID Signature key asks for the PIN before every signature.
  bool alwaysAuthenticate = false;
  // The private key is visible only after login, as on a real card.
  bool privateKeyHidden = true;
  bool allowDecrypt = false;
};

struct KeyPair {
  ObjectHandle publicKey = 0;
  ObjectHandle privateKey = 0;
};

// Big-endian unsigned integers, as in CKA_MODULUS and the other RSA attributes.
struct RsaPrivateKey {
  Bytes modulus;
  Bytes publicExponent;
  Bytes privateExponent;
  Bytes prime1;
  Bytes prime2;
  Bytes exponent1;
  Bytes exponent2;
  Bytes coefficient;
};

struct RsaPublicKey {
  Bytes modulus;
  Bytes publicExponent;
};

// params: the DER of the named curve OID (CKA_EC_PARAMS). point: the DER OCTET STRING holding
// the uncompressed point (CKA_EC_POINT). value: the private scalar, big-endian.
struct EcPrivateKey {
  Bytes params;
  Bytes value;
  Bytes point;
};

struct EcPublicKey {
  Bytes params;
  Bytes point;
};

// DER of the OIDs of the curves the eID and eHealth keys use.
[[nodiscard]] const Bytes& p256Params();
[[nodiscard]] const Bytes& p384Params();

[[nodiscard]] KeyPair generateRsaKeyPair(Session& session, unsigned long bits, const KeyAttributes& key);
[[nodiscard]] KeyPair generateEcKeyPair(Session& session, const Bytes& curveParams, const KeyAttributes& key);
// Imports a private key and its public half as token objects, sensitive and not extractable.
KeyPair importRsaKey(Session& session, const RsaPrivateKey& components, const KeyAttributes& key);
KeyPair importEcKey(Session& session, const EcPrivateKey& components, const KeyAttributes& key);

// A public X.509 certificate object. subjectDer, issuerDer and serialDer are optional (empty
// means absent); some applications search by them.
ObjectHandle importCertificate(Session& session, const Bytes& der, const std::string& label, const Bytes& id,
                               const Bytes& subjectDer = {}, const Bytes& issuerDer = {},
                               const Bytes& serialDer = {});

// A public CKO_DATA object, laid out like the beid identity objects.
ObjectHandle createDataObject(Session& session, const std::string& label, const Bytes& objectId,
                              const Bytes& value, const std::string& application = {});

[[nodiscard]] RsaPublicKey readRsaPublicKey(const Session& session, ObjectHandle key);
[[nodiscard]] EcPublicKey readEcPublicKey(const Session& session, ObjectHandle key);

}  // namespace ehagent::pkcs11
