import {
  createHash,
  createPublicKey,
  generateKeyPairSync,
  verify as cryptoVerify,
  type JsonWebKey,
  type KeyObject,
} from 'node:crypto';
import { SigningError } from './errors';
import { toHex } from './encoding';
import { digestOf, type SignatureAlgorithm } from './signer';

/** RSA modulus sizes Signet generates; any multiple of 8 from 2048 to 4096 bits is accepted. */
export type RsaModulusLength = 2048 | 3072 | 4096;

const PUBLIC_KEY_PEM =
  /^-----BEGIN PUBLIC KEY-----\r?\n[A-Za-z0-9+/=\r\n]+-----END PUBLIC KEY-----\r?\n?$/;

/**
 * Returns the signature algorithm Signet uses with `key` (public or private): ECDSA P-256 with
 * SHA-256, ECDSA P-384 with SHA-384, Ed25519, or RSA PKCS#1 v1.5 with SHA-256 for RSA keys of
 * 2048–4096 bits whose size is a multiple of 8 (the set Fulcio accepts, ca-peers §1.9).
 *
 * @throws SigningError `UNSUPPORTED_KEY` for any other key type, curve or size (RSA-PSS keys,
 *   P-521, secp256k1, X25519, Ed448, symmetric keys).
 */
export function signatureAlgorithmOf(key: KeyObject): SignatureAlgorithm {
  if (key.type === 'secret') {
    throw new SigningError('UNSUPPORTED_KEY', 'a secret key cannot sign; need an asymmetric key');
  }
  const type = key.asymmetricKeyType;
  const details = key.asymmetricKeyDetails ?? {};
  if (type === 'ec') {
    if (details.namedCurve === 'prime256v1') return 'ecdsa-p256-sha256';
    if (details.namedCurve === 'secp384r1') return 'ecdsa-p384-sha384';
    throw new SigningError(
      'UNSUPPORTED_KEY',
      `unsupported EC curve ${details.namedCurve ?? 'unknown'}; use P-256 or P-384`,
    );
  }
  if (type === 'ed25519') return 'ed25519';
  if (type === 'rsa') {
    const bits = details.modulusLength ?? 0;
    if (bits < 2048 || bits > 4096 || bits % 8 !== 0) {
      throw new SigningError(
        'UNSUPPORTED_KEY',
        `unsupported RSA modulus of ${bits} bits; use 2048 to 4096 bits, a multiple of 8`,
      );
    }
    return 'rsa-pkcs1-sha256';
  }
  throw new SigningError('UNSUPPORTED_KEY', `unsupported key type ${type ?? 'unknown'}`);
}

/**
 * Generates a fresh key pair for `algorithm` (RSA keys get `rsaModulusLength` bits, default
 * 3072, public exponent 65537).
 *
 * @returns the private and public KeyObjects.
 */
export function generateKeyPair(
  algorithm: SignatureAlgorithm,
  rsaModulusLength: RsaModulusLength = 3072,
): { privateKey: KeyObject; publicKey: KeyObject } {
  switch (algorithm) {
    case 'ecdsa-p256-sha256':
      return generateKeyPairSync('ec', { namedCurve: 'P-256' });
    case 'ecdsa-p384-sha384':
      return generateKeyPairSync('ec', { namedCurve: 'P-384' });
    case 'ed25519':
      return generateKeyPairSync('ed25519');
    case 'rsa-pkcs1-sha256':
      return generateKeyPairSync('rsa', { modulusLength: rsaModulusLength, publicExponent: 65537 });
  }
}

/**
 * Parses a public key given as a PEM `PUBLIC KEY` block or as DER SubjectPublicKeyInfo
 * (RFC 5280 §4.1.2.7), and checks that Signet supports it.
 *
 * @throws SigningError `INVALID_KEY` when the input is empty, is some other PEM block (a
 *   private key or a certificate) or does not parse; `UNSUPPORTED_KEY` per
 *   {@link signatureAlgorithmOf}.
 */
export function parsePublicKey(pemOrDer: string | Uint8Array): KeyObject {
  if (pemOrDer.length === 0) {
    throw new SigningError('INVALID_KEY', 'public key is empty');
  }
  let key: KeyObject;
  if (typeof pemOrDer === 'string') {
    if (!PUBLIC_KEY_PEM.test(pemOrDer.trim() + '\n')) {
      throw new SigningError('INVALID_KEY', 'public key is not a PEM "PUBLIC KEY" block');
    }
    key = parseOrThrow(() => createPublicKey({ key: pemOrDer, format: 'pem' }), 'PEM');
  } else {
    key = publicKeyFromSpki(pemOrDer);
  }
  signatureAlgorithmOf(key);
  return key;
}

function parseOrThrow(parse: () => KeyObject, form: string): KeyObject {
  try {
    return parse();
  } catch (cause) {
    throw new SigningError('INVALID_KEY', `public key is not a valid ${form} SPKI`, { cause });
  }
}

/**
 * Parses a public JWK (RFC 7517; `kty` EC, OKP or RSA) and checks that Signet supports it.
 *
 * @throws SigningError `INVALID_KEY` when the JWK is malformed or carries a private part;
 *   `UNSUPPORTED_KEY` per {@link signatureAlgorithmOf}.
 */
export function publicKeyFromJwk(jwk: JsonWebKey): KeyObject {
  if (jwk.d !== undefined) {
    throw new SigningError('INVALID_KEY', 'JWK holds a private key; expected a public key');
  }
  const key = parseOrThrow(() => createPublicKey({ key: jwk, format: 'jwk' }), 'JWK');
  signatureAlgorithmOf(key);
  return key;
}

// OpenSSL 3's encoder takes ~100 µs per SPKI export, more than an ECDSA signature, and the
// log needs the key's DER (for its log ID and key hint) on every checkpoint and SET. KeyObjects
// are immutable, so an entry never goes stale; it goes when its key is collected.
const spkiCache = new WeakMap<KeyObject, Uint8Array>();
const logIdCache = new WeakMap<KeyObject, Uint8Array>();

/**
 * The DER SubjectPublicKeyInfo forms Node itself exports for P-256, P-384 (named curve,
 * uncompressed point; RFC 5480 §2) and Ed25519 (RFC 8410 §4) keys: a fixed prefix, then the
 * point or key bytes.
 */
const CANONICAL_SPKI: ReadonlyArray<{
  readonly prefix: Buffer;
  readonly length: number;
  readonly jwk: (der: Buffer) => JsonWebKey;
}> = [
  {
    // SEQUENCE { SEQUENCE { id-ecPublicKey, prime256v1 }, BIT STRING { 0x04 ‖ x ‖ y } }
    prefix: Buffer.from('3059301306072a8648ce3d020106082a8648ce3d03010703420004', 'hex'),
    length: 91,
    jwk: (der) => ecJwk('P-256', der.subarray(27, 59), der.subarray(59)),
  },
  {
    // SEQUENCE { SEQUENCE { id-ecPublicKey, secp384r1 }, BIT STRING { 0x04 ‖ x ‖ y } }
    prefix: Buffer.from('3076301006072a8648ce3d020106052b8104002203620004', 'hex'),
    length: 120,
    jwk: (der) => ecJwk('P-384', der.subarray(24, 72), der.subarray(72)),
  },
  {
    // SEQUENCE { SEQUENCE { id-Ed25519 }, BIT STRING { key } }
    prefix: Buffer.from('302a300506032b6570032100', 'hex'),
    length: 44,
    jwk: (der) => ({ kty: 'OKP', crv: 'Ed25519', x: der.subarray(12).toString('base64url') }),
  },
];

/** The form of {@link CANONICAL_SPKI} `der` is in, if any. */
function nodeSpkiFormOf(der: Uint8Array): (typeof CANONICAL_SPKI)[number] | undefined {
  return CANONICAL_SPKI.find(
    (f) => der.length === f.length && f.prefix.equals(der.subarray(0, f.prefix.length)),
  );
}

/**
 * Whether `publicKey` is in its one canonical SPKI form, the one a JWK round trip gives: an RSA
 * key always is (its DER is that of (n, e)); a P-256, P-384 or Ed25519 key when its DER is in
 * the form Node exports (named curve, uncompressed point). Node keeps, and exports again, a
 * compressed point or explicit curve parameters, which Go's x509 parser (and so Rekor) refuses.
 */
export function hasCanonicalSpki(publicKey: KeyObject): boolean {
  if (publicKey.asymmetricKeyType === 'rsa') return true;
  return nodeSpkiFormOf(publicKeyToDer(publicKey)) !== undefined;
}

function ecJwk(crv: string, x: Buffer, y: Buffer): JsonWebKey {
  return { kty: 'EC', crv, x: x.toString('base64url'), y: y.toString('base64url') };
}

/**
 * Parses DER SubjectPublicKeyInfo (RFC 5280 §4.1.2.7) into a public KeyObject, of any type Node
 * reads (unlike {@link parsePublicKey}, the key is not checked against Signet's own signing
 * algorithms). P-256, P-384 and Ed25519 keys in the form Node exports are imported through their
 * JWK coordinates, which skips OpenSSL's slow generic decoder but checks the same things (the
 * point is on the curve); their DER is then remembered, so {@link publicKeyToDer},
 * {@link logIdOf} and {@link fingerprintOf} return it without re-encoding the key.
 *
 * @throws SigningError `INVALID_KEY` when the bytes are not a public key Node can read.
 */
export function publicKeyFromSpki(der: Uint8Array): KeyObject {
  const bytes = Buffer.from(der.buffer, der.byteOffset, der.byteLength);
  const form = nodeSpkiFormOf(bytes);
  if (form === undefined) {
    return parseOrThrow(() => createPublicKey({ key: bytes, format: 'der', type: 'spki' }), 'DER');
  }
  const key = parseOrThrow(() => createPublicKey({ key: form.jwk(bytes), format: 'jwk' }), 'DER');
  // The key was built from exactly these coordinates, and its export is this prefix form.
  spkiCache.set(key, new Uint8Array(bytes));
  return key;
}

/** Returns the public half of `key` (itself when already public). */
export function publicKeyOf(key: KeyObject): KeyObject {
  return key.type === 'private' ? createPublicKey(key) : key;
}

/** Returns the DER SubjectPublicKeyInfo of `key` (or of the public half of a private key). */
export function publicKeyToDer(key: KeyObject): Uint8Array {
  let der = spkiCache.get(key);
  if (der === undefined) {
    der = new Uint8Array(publicKeyOf(key).export({ type: 'spki', format: 'der' }));
    spkiCache.set(key, der);
  }
  return der.slice();
}

/** Returns the PEM `PUBLIC KEY` block (RFC 7468 §13) of `key`, ending in a newline. */
export function publicKeyToPem(key: KeyObject): string {
  return publicKeyOf(key).export({ type: 'spki', format: 'pem' }).toString();
}

/** Returns the public JWK (RFC 7517) of `key`; never includes private members. */
export function publicKeyToJwk(key: KeyObject): JsonWebKey {
  return publicKeyOf(key).export({ format: 'jwk' });
}

/** Returns the SHA-256 of the DER SPKI of `key`: Rekor's log ID and RFC 6962 §3.2's LogID. */
export function logIdOf(publicKey: KeyObject): Uint8Array {
  let logId = logIdCache.get(publicKey);
  if (logId === undefined) {
    logId = new Uint8Array(createHash('sha256').update(publicKeyToDer(publicKey)).digest());
    logIdCache.set(publicKey, logId);
  }
  return logId.slice();
}

/** Returns the fingerprint of `key`: the lowercase hex SHA-256 of its DER SPKI. */
export function fingerprintOf(publicKey: KeyObject): string {
  return toHex(logIdOf(publicKey));
}

/**
 * Verifies `signature` over `data` with `publicKey`. ECDSA signatures are ASN.1 DER, RSA
 * signatures PKCS#1 v1.5; `digest` defaults to the key's own ({@link digestOf}); Ed25519
 * ignores it. Never throws on a malformed signature.
 *
 * @returns whether the signature is valid.
 * @throws SigningError `UNSUPPORTED_KEY` when `digest` is omitted and the key is one
 *   {@link signatureAlgorithmOf} rejects.
 */
export function verifySignature(
  publicKey: KeyObject,
  data: Uint8Array,
  signature: Uint8Array,
  digest: 'sha256' | 'sha384' | null = digestOf(signatureAlgorithmOf(publicKey)),
): boolean {
  const algorithm = publicKey.asymmetricKeyType === 'ed25519' ? null : digest;
  try {
    return cryptoVerify(algorithm, data, { key: publicKey, dsaEncoding: 'der' }, signature);
  } catch {
    // OpenSSL rejects some malformed encodings by throwing rather than returning false.
    return false;
  }
}
