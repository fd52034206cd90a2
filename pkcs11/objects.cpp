#include "pkcs11/objects.hpp"

#include "pkcs11/cryptoki.hpp"
#include "pkcs11/error.hpp"

namespace ehagent::pkcs11 {
namespace {

using A = Attribute;

std::vector<Attribute> publicTemplate(CK_KEY_TYPE type, const KeyAttributes& key) {
  return {A::ulong(CKA_CLASS, CKO_PUBLIC_KEY), A::ulong(CKA_KEY_TYPE, type), A::boolean(CKA_TOKEN, true),
          A::boolean(CKA_PRIVATE, false),       A::boolean(CKA_VERIFY, true),   A::text(CKA_LABEL, key.label),
          A::bytes(CKA_ID, key.id)};
}

std::vector<Attribute> privateTemplate(CK_KEY_TYPE type, const KeyAttributes& key) {
  std::vector<Attribute> t{A::ulong(CKA_CLASS, CKO_PRIVATE_KEY),
                           A::ulong(CKA_KEY_TYPE, type),
                           A::boolean(CKA_TOKEN, true),
                           A::boolean(CKA_PRIVATE, key.privateKeyHidden),
                           A::boolean(CKA_SENSITIVE, true),
                           A::boolean(CKA_EXTRACTABLE, false),
                           A::boolean(CKA_SIGN, true),
                           A::boolean(CKA_DECRYPT, key.allowDecrypt),
                           A::text(CKA_LABEL, key.label),
                           A::bytes(CKA_ID, key.id)};
  if (key.alwaysAuthenticate) t.push_back(A::boolean(CKA_ALWAYS_AUTHENTICATE, true));
  return t;
}

void requireNotEmpty(const Bytes& value, const char* what, const char* function) {
  if (value.empty()) fail(ErrorKind::Other, function, std::string(what) + " is empty");
}

}  // namespace

const Bytes& p256Params() {
  static const Bytes der{0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07};
  return der;
}

const Bytes& p384Params() {
  static const Bytes der{0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22};
  return der;
}

KeyPair generateRsaKeyPair(Session& session, unsigned long bits, const KeyAttributes& key) {
  auto pub = publicTemplate(CKK_RSA, key);
  pub.push_back(A::ulong(CKA_MODULUS_BITS, bits));
  pub.push_back(A::bytes(CKA_PUBLIC_EXPONENT, {0x01, 0x00, 0x01}));
  auto [publicKey, privateKey] = session.generateKeyPair(CKM_RSA_PKCS_KEY_PAIR_GEN, pub, privateTemplate(CKK_RSA, key));
  return {publicKey, privateKey};
}

KeyPair generateEcKeyPair(Session& session, const Bytes& curveParams, const KeyAttributes& key) {
  auto pub = publicTemplate(CKK_EC, key);
  pub.push_back(A::bytes(CKA_EC_PARAMS, curveParams));
  auto [publicKey, privateKey] = session.generateKeyPair(CKM_EC_KEY_PAIR_GEN, pub, privateTemplate(CKK_EC, key));
  return {publicKey, privateKey};
}

KeyPair importRsaKey(Session& session, const RsaPrivateKey& c, const KeyAttributes& key) {
  for (const auto* part : {&c.modulus, &c.publicExponent, &c.privateExponent, &c.prime1, &c.prime2, &c.exponent1,
                           &c.exponent2, &c.coefficient}) {
    requireNotEmpty(*part, "an RSA key component", "importRsaKey");
  }
  auto priv = privateTemplate(CKK_RSA, key);
  priv.push_back(A::bytes(CKA_MODULUS, c.modulus));
  priv.push_back(A::bytes(CKA_PUBLIC_EXPONENT, c.publicExponent));
  priv.push_back(A::bytes(CKA_PRIVATE_EXPONENT, c.privateExponent));
  priv.push_back(A::bytes(CKA_PRIME_1, c.prime1));
  priv.push_back(A::bytes(CKA_PRIME_2, c.prime2));
  priv.push_back(A::bytes(CKA_EXPONENT_1, c.exponent1));
  priv.push_back(A::bytes(CKA_EXPONENT_2, c.exponent2));
  priv.push_back(A::bytes(CKA_COEFFICIENT, c.coefficient));
  auto pub = publicTemplate(CKK_RSA, key);
  pub.push_back(A::bytes(CKA_MODULUS, c.modulus));
  pub.push_back(A::bytes(CKA_PUBLIC_EXPONENT, c.publicExponent));
  KeyPair pair;
  pair.privateKey = session.create(priv);
  pair.publicKey = session.create(pub);
  return pair;
}

KeyPair importEcKey(Session& session, const EcPrivateKey& c, const KeyAttributes& key) {
  requireNotEmpty(c.params, "the EC curve parameters", "importEcKey");
  requireNotEmpty(c.value, "the EC private value", "importEcKey");
  requireNotEmpty(c.point, "the EC public point", "importEcKey");
  auto priv = privateTemplate(CKK_EC, key);
  priv.push_back(A::bytes(CKA_EC_PARAMS, c.params));
  priv.push_back(A::bytes(CKA_VALUE, c.value));
  auto pub = publicTemplate(CKK_EC, key);
  pub.push_back(A::bytes(CKA_EC_PARAMS, c.params));
  pub.push_back(A::bytes(CKA_EC_POINT, c.point));
  KeyPair pair;
  pair.privateKey = session.create(priv);
  pair.publicKey = session.create(pub);
  return pair;
}

ObjectHandle importCertificate(Session& session, const Bytes& der, const std::string& label, const Bytes& id,
                               const Bytes& subjectDer, const Bytes& issuerDer, const Bytes& serialDer) {
  requireNotEmpty(der, "the certificate", "importCertificate");
  std::vector<Attribute> t{A::ulong(CKA_CLASS, CKO_CERTIFICATE), A::ulong(CKA_CERTIFICATE_TYPE, CKC_X_509),
                           A::boolean(CKA_TOKEN, true),          A::boolean(CKA_PRIVATE, false),
                           A::text(CKA_LABEL, label),            A::bytes(CKA_ID, id),
                           A::bytes(CKA_VALUE, der)};
  if (!subjectDer.empty()) t.push_back(A::bytes(CKA_SUBJECT, subjectDer));
  if (!issuerDer.empty()) t.push_back(A::bytes(CKA_ISSUER, issuerDer));
  if (!serialDer.empty()) t.push_back(A::bytes(CKA_SERIAL_NUMBER, serialDer));
  return session.create(t);
}

ObjectHandle createDataObject(Session& session, const std::string& label, const Bytes& objectId, const Bytes& value,
                              const std::string& application) {
  std::vector<Attribute> t{A::ulong(CKA_CLASS, CKO_DATA), A::boolean(CKA_TOKEN, true), A::boolean(CKA_PRIVATE, false),
                           A::text(CKA_LABEL, label),     A::bytes(CKA_OBJECT_ID, objectId), A::bytes(CKA_VALUE, value)};
  if (!application.empty()) t.push_back(A::text(CKA_APPLICATION, application));
  return session.create(t);
}

RsaPublicKey readRsaPublicKey(const Session& session, ObjectHandle key) {
  auto modulus = session.attribute(key, CKA_MODULUS);
  auto exponent = session.attribute(key, CKA_PUBLIC_EXPONENT);
  if (!modulus || !exponent) fail(ErrorKind::KeyNotFound, "readRsaPublicKey", "the object is not an RSA key");
  return {std::move(*modulus), std::move(*exponent)};
}

EcPublicKey readEcPublicKey(const Session& session, ObjectHandle key) {
  auto params = session.attribute(key, CKA_EC_PARAMS);
  auto point = session.attribute(key, CKA_EC_POINT);
  if (!params || !point) fail(ErrorKind::KeyNotFound, "readEcPublicKey", "the object is not an EC public key");
  return {std::move(*params), std::move(*point)};
}

}  // namespace ehagent::pkcs11
