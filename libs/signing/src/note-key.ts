import { createHash, type KeyObject } from 'node:crypto';
import { fromBase64, toBase64 } from './encoding';
import { SigningError } from './errors';
import {
  logIdOf,
  parsePublicKey,
  publicKeyFromJwk,
  publicKeyToDer,
  publicKeyToJwk,
  signatureAlgorithmOf,
  verifySignature,
} from './keys';
import { assertSha256Signer, type Signer } from './signer';

/**
 * How a note signature's 4-byte key ID is derived.
 * - `rekor`: the first 4 bytes of SHA-256(DER SPKI), for every key type. This is Rekor's
 *   checkpoint key hint (`logID[0:4]`), which sigstore-js requires (tlog-peers §1.4).
 * - `c2sp`: the C2SP signed-note rule for the key's signature type: type 0x01 (Ed25519) uses
 *   SHA-256(name || 0x0A || 0x01 || key)[:4]; type 0x02 (ECDSA) uses SHA-256(DER SPKI)[:4].
 *   RSA has no C2SP signature type.
 * The two agree for ECDSA keys.
 */
export type NoteKeyIdRule = 'rekor' | 'c2sp';

/** C2SP signed-note signature type bytes (signed-note.md "Signature types"). */
export const NoteSignatureType = { ed25519: 0x01, ecdsa: 0x02 } as const;

/** Produces note signatures for one key: `name` and `keyId` go on the signature line. */
export interface NoteSigner {
  readonly name: string;
  /** The uint32 key ID (big-endian on the wire). */
  readonly keyId: number;
  /** Signs the note text (including its final newline) and returns the bare signature. */
  sign(text: Uint8Array): Promise<Uint8Array>;
}

/** Checks note signatures of one trusted key, identified by `name` and `keyId`. */
export interface NoteVerifier {
  readonly name: string;
  readonly keyId: number;
  /** Returns whether `signature` (without the key ID prefix) is valid over `text`. */
  verify(text: Uint8Array, signature: Uint8Array): boolean;
}

/**
 * Returns whether `name` is a valid key name: non-empty, with no Unicode space and no `+`
 * (C2SP signed-note "Format"), and no control character.
 */
export function isValidKeyName(name: string): boolean {
  return name.length > 0 && !/[\s+\p{Cc}]/u.test(name);
}

/**
 * Returns SHA-256(name || 0x0A || signatureType || publicKey)[:4] as a uint32: the key ID that
 * C2SP signed-note recommends ("Signatures"), required for Ed25519 (type 0x01).
 */
export function noteKeyId(name: string, signatureType: number, publicKey: Uint8Array): number {
  const hash = createHash('sha256')
    .update(name)
    .update(Uint8Array.of(0x0a, signatureType))
    .update(publicKey)
    .digest();
  return hash.readUInt32BE(0);
}

/**
 * Returns the note key ID of `publicKey` under `rule` (see {@link NoteKeyIdRule}).
 *
 * @throws SigningError `UNSUPPORTED_KEY` for an RSA key under the `c2sp` rule, or a key
 *   {@link signatureAlgorithmOf} rejects.
 */
export function noteKeyIdOf(publicKey: KeyObject, name: string, rule: NoteKeyIdRule): number {
  const algorithm = signatureAlgorithmOf(publicKey);
  if (rule === 'c2sp' && algorithm === 'ed25519') {
    return noteKeyId(name, NoteSignatureType.ed25519, ed25519Bytes(publicKey));
  }
  if (rule === 'c2sp' && algorithm === 'rsa-pkcs1-sha256') {
    throw new SigningError('UNSUPPORTED_KEY', 'RSA keys have no C2SP signed-note signature type');
  }
  return Buffer.from(logIdOf(publicKey)).readUInt32BE(0);
}

/**
 * The full 32-byte hash whose first 4 bytes are the C2SP key ID of `publicKey` under `name`:
 * SHA-256(name || 0x0A || 0x01 || key) for Ed25519, SHA-256(DER SPKI) for ECDSA. Rekor v2 and
 * the trusted root use it, untruncated, as the log's ID (`logId.keyId`).
 *
 * @throws SigningError `UNSUPPORTED_KEY` for RSA (no C2SP signature type).
 */
export function c2spKeyHash(publicKey: KeyObject, name: string): Uint8Array {
  const algorithm = signatureAlgorithmOf(publicKey);
  if (algorithm === 'rsa-pkcs1-sha256') {
    throw new SigningError('UNSUPPORTED_KEY', 'RSA keys have no C2SP signed-note signature type');
  }
  if (algorithm !== 'ed25519') return logIdOf(publicKey);
  return new Uint8Array(
    createHash('sha256')
      .update(name)
      .update(Uint8Array.of(0x0a, NoteSignatureType.ed25519))
      .update(ed25519Bytes(publicKey))
      .digest(),
  );
}

/** Returns `keyId` as 8 lowercase hex digits, the form used in verifier keys. */
export function formatKeyId(keyId: number): string {
  return keyId.toString(16).padStart(8, '0');
}

/**
 * Returns a {@link NoteSigner} that signs with `signer` under `name`: ECDSA and RSA over
 * SHA-256 of the note text, Ed25519 over the text itself.
 *
 * @throws SigningError `INVALID_KEY` for an invalid key name; `UNSUPPORTED_KEY` for a P-384
 *   signer ({@link assertSha256Signer}) or as {@link noteKeyIdOf}.
 */
export function noteSignerOf(
  signer: Signer,
  name: string,
  rule: NoteKeyIdRule = 'rekor',
): NoteSigner {
  assertName(name);
  assertSha256Signer(signer, 'a signed note');
  return {
    name,
    keyId: noteKeyIdOf(signer.publicKey, name, rule),
    sign: (text) => signer.sign(text),
  };
}

/**
 * Returns a {@link NoteVerifier} for `publicKey` under `name`. ECDSA signatures are checked
 * over SHA-256 whatever the curve, as Rekor and transparency-dev do.
 *
 * @throws SigningError `INVALID_KEY` for an invalid key name; otherwise as {@link noteKeyIdOf}.
 */
export function noteVerifierOf(
  publicKey: KeyObject,
  name: string,
  rule: NoteKeyIdRule = 'rekor',
): NoteVerifier {
  assertName(name);
  return {
    name,
    keyId: noteKeyIdOf(publicKey, name, rule),
    verify: (text, signature) => verifySignature(publicKey, text, signature, 'sha256'),
  };
}

/**
 * Returns the verifier key string `<name>+<hex key ID>+<base64(type || key)>` (C2SP
 * signed-note; golang.org/x/mod/sumdb/note `NewVerifier`): type 0x01 with the 32-byte key for
 * Ed25519, type 0x02 with the DER SPKI for ECDSA (transparency-dev/formats `NewECDSAVerifier`).
 * The key ID follows the `c2sp` rule.
 *
 * @throws SigningError `INVALID_KEY` for an invalid name; `UNSUPPORTED_KEY` for RSA keys.
 */
export function formatVerifierKey(publicKey: KeyObject, name: string): string {
  assertName(name);
  const algorithm = signatureAlgorithmOf(publicKey);
  const encoded =
    algorithm === 'ed25519'
      ? [NoteSignatureType.ed25519, ...ed25519Bytes(publicKey)]
      : algorithm === 'rsa-pkcs1-sha256'
        ? undefined
        : [NoteSignatureType.ecdsa, ...publicKeyToDer(publicKey)];
  if (encoded === undefined) {
    throw new SigningError('UNSUPPORTED_KEY', 'RSA keys have no C2SP signed-note signature type');
  }
  const keyId = formatKeyId(noteKeyIdOf(publicKey, name, 'c2sp'));
  return `${name}+${keyId}+${toBase64(Uint8Array.from(encoded))}`;
}

/**
 * Parses a verifier key string (see {@link formatVerifierKey}) into a {@link NoteVerifier}.
 *
 * @throws SigningError `INVALID_KEY` when the string lacks its three `+`-separated fields, the
 *   name is invalid, the key ID is not 8 hex digits, the key bytes are malformed, or the key ID
 *   does not match the key; `UNSUPPORTED_KEY` for signature types other than 0x01 and 0x02.
 */
export function parseVerifierKey(verifierKey: string): NoteVerifier {
  const first = verifierKey.indexOf('+');
  const second = verifierKey.indexOf('+', first + 1);
  if (first < 0 || second < 0) {
    throw new SigningError('INVALID_KEY', 'verifier key must be <name>+<key id>+<base64 key>');
  }
  const name = verifierKey.slice(0, first);
  const hexId = verifierKey.slice(first + 1, second);
  assertName(name);
  if (!/^[0-9a-fA-F]{8}$/.test(hexId)) {
    throw new SigningError('INVALID_KEY', 'verifier key ID must be 8 hexadecimal digits');
  }
  let bytes: Uint8Array;
  try {
    bytes = fromBase64(verifierKey.slice(second + 1), 'verifier key');
  } catch (cause) {
    throw new SigningError('INVALID_KEY', 'verifier key is not canonical base64', { cause });
  }
  const [type] = bytes;
  const key = bytes.subarray(1);
  let publicKey: KeyObject;
  if (type === NoteSignatureType.ed25519 && key.length === 32) {
    publicKey = publicKeyFromJwk({
      kty: 'OKP',
      crv: 'Ed25519',
      x: Buffer.from(key).toString('base64url'),
    });
  } else if (type === NoteSignatureType.ed25519) {
    throw new SigningError(
      'INVALID_KEY',
      `Ed25519 verifier key must be 32 bytes, got ${key.length}`,
    );
  } else if (type === NoteSignatureType.ecdsa) {
    publicKey = parsePublicKey(key);
    if (publicKey.asymmetricKeyType !== 'ec') {
      throw new SigningError('INVALID_KEY', 'verifier key of type 0x02 must hold an ECDSA key');
    }
  } else {
    const shown = type === undefined ? 'none' : `0x${type.toString(16).padStart(2, '0')}`;
    throw new SigningError('UNSUPPORTED_KEY', `unsupported verifier key signature type ${shown}`);
  }
  const verifier = noteVerifierOf(publicKey, name, 'c2sp');
  if (verifier.keyId !== parseInt(hexId, 16)) {
    throw new SigningError(
      'INVALID_KEY',
      `verifier key ID ${hexId.toLowerCase()} does not match the key (${formatKeyId(verifier.keyId)})`,
    );
  }
  return verifier;
}

function assertName(name: string): void {
  if (!isValidKeyName(name)) {
    throw new SigningError('INVALID_KEY', `invalid note key name ${JSON.stringify(name)}`);
  }
}

function ed25519Bytes(publicKey: KeyObject): Buffer {
  return Buffer.from(publicKeyToJwk(publicKey).x ?? '', 'base64url');
}
