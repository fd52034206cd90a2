// Verifies a compact JWS with the `jose` library against a certificate's public key, then checks
// the algorithm and the expected claims. Usage:
//   node verify.mjs <jwt-file> <cert.pem> <alg> <expected-claims.json>
// Exit 0 when everything matches; prints the reason and exits 1 otherwise.
import { readFileSync } from 'node:fs';
import { importX509, jwtVerify, decodeProtectedHeader } from 'jose';

const [jwtFile, certFile, alg, claimsFile] = process.argv.slice(2);
try {
  const jwt = readFileSync(jwtFile, 'utf8').trim();
  const key = await importX509(readFileSync(certFile, 'utf8'), alg);
  const expected = JSON.parse(readFileSync(claimsFile, 'utf8'));
  const { payload, protectedHeader } = await jwtVerify(jwt, key, { algorithms: [alg], audience: expected.aud });
  if (protectedHeader.alg !== alg) throw new Error(`alg ${protectedHeader.alg} != ${alg}`);
  for (const [name, value] of Object.entries(expected)) {
    if (name === 'header') continue;
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
