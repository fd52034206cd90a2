// Verifies a compact JWS with the `jose` library against a certificate's public key, then checks
// the algorithm and the expected claims. Usage:
//   node verify.mjs <jwt-file> <cert.pem> <alg> <expected-claims.json>
// Exit 0 when everything matches; prints the reason and exits 1 otherwise.
// "bound_to_certificate": true in the expected claims checks the certificate binding from the
// certificate file itself, computed here with node's crypto: the header's x5c is that one
// certificate and the payload's cnf["x5t#S256"] is the base64url SHA-256 of its DER.
import { readFileSync } from 'node:fs';
import { X509Certificate, createHash } from 'node:crypto';
import { importX509, jwtVerify, decodeProtectedHeader } from 'jose';

const [jwtFile, certFile, alg, claimsFile] = process.argv.slice(2);
try {
  const jwt = readFileSync(jwtFile, 'utf8').trim();
  const key = await importX509(readFileSync(certFile, 'utf8'), alg);
  const expected = JSON.parse(readFileSync(claimsFile, 'utf8'));
  const { payload, protectedHeader } = await jwtVerify(jwt, key, { algorithms: [alg], audience: expected.aud });
  if (protectedHeader.alg !== alg) throw new Error(`alg ${protectedHeader.alg} != ${alg}`);
  if (expected.bound_to_certificate) {
    const der = new X509Certificate(readFileSync(certFile)).raw;
    const x5c = decodeProtectedHeader(jwt).x5c;
    if (!Array.isArray(x5c) || x5c.length !== 1 || x5c[0] !== der.toString('base64'))
      throw new Error(`header x5c is not exactly the certificate ${certFile}`);
    const thumbprint = createHash('sha256').update(der).digest('base64url');
    if (payload.cnf?.['x5t#S256'] !== thumbprint)
      throw new Error(`cnf x5t#S256 ${JSON.stringify(payload.cnf)} != ${thumbprint}`);
  }
  for (const [name, value] of Object.entries(expected)) {
    if (name === 'header' || name === 'bound_to_certificate') continue;
    if (JSON.stringify(payload[name]) !== JSON.stringify(value))
      throw new Error(`claim ${name}: ${JSON.stringify(payload[name])} != ${JSON.stringify(value)}`);
  }
  for (const [name, value] of Object.entries(expected.header ?? {})) {
    const got = decodeProtectedHeader(jwt)[name];
    if (JSON.stringify(got) !== JSON.stringify(value))
      throw new Error(`header ${name}: ${JSON.stringify(got)} != ${JSON.stringify(value)}`);
  }
  console.log('ok');
} catch (e) {
  console.log(`rejected: ${e.message}`);
  process.exit(1);
}
