// intoto v0.0.2: a DSSE envelope whose payload and signatures are base64 of their DSSE base64
// form, each signature carrying its own key (rekor:pkg/types/intoto/v0.0.2,
// intoto_v0_0_2_schema.json). Rekor keeps everything but the payload; it does not check `hash`,
// which this log does.
import { canonicalJson, canonicalJsonBytes } from '@app/signing';
import { EntryError, type CanonicalEntry, type ParsedEntry } from './canonical-entry';
import {
  child,
  MAX_SIGNATURES,
  readBoundedArray,
  readDigestAlgorithm,
  readDoubleBase64,
  readHexDigest,
  readObject,
  readString,
  sha256Hex,
} from './fields';
import { statementSubjectKeys, uniqueKeys } from './index-keys';
import { checkSuppliedChain, parseVerifierMaterial, verifiesDsse } from './verifier-material';

/** The apiVersion this module implements. */
export const INTOTO_VERSION = '0.0.2';

const CONTENT = 'spec.content';
const ENVELOPE = `${CONTENT}.envelope`;

interface ProposedSignature {
  readonly path: string;
  readonly keyid: string;
  /** The `sig` and `publicKey` fields as sent (base64 of the DSSE base64 signature, of the PEM). */
  readonly sig: string;
  readonly publicKey: string;
  /** `sig` decoded once: the DSSE signature in base64. */
  readonly innerSig: string;
  readonly signature: Uint8Array;
}

/**
 * Validates an intoto v0.0.2 `spec`, checks `content.hash` and `content.payloadHash` (if sent),
 * verifies every signature over the DSSE PAE with its own `publicKey` (SHA-256 for ECDSA and RSA),
 * and returns Rekor's canonical entry: the envelope without its payload, the signatures as sent,
 * `hash` as sent and the computed `payloadHash`.
 *
 * `hash` must be the SHA-256 of the JCS of the envelope with payload and signatures decoded once,
 * keys as PEM and empty key IDs left out, as sigstore-js computes it; the older form without the
 * keys is accepted too.
 *
 * Everything but the signatures is checked here; `verify()` verifies them, each with its own key.
 *
 * @throws EntryError `MALFORMED_ENTRY` for a missing, extra or mistyped field, bad (double)
 *   base64 or more than {@link MAX_SIGNATURES} signatures; `INVALID_VERIFIER` for an unusable
 *   key or certificate; `HASH_MISMATCH` naming `spec.content.hash` or `spec.content.payloadHash`;
 *   from `verify()`, `INVALID_SIGNATURE` naming the signature.
 */
export function parseIntoto(spec: unknown): ParsedEntry {
  const fields = readObject(spec, 'spec', ['content']);
  const content = readObject(fields.content, CONTENT, ['envelope', 'hash'], ['payloadHash']);
  const envelope = readObject(content.envelope, ENVELOPE, ['payload', 'payloadType', 'signatures']);
  const payloadType = readString(envelope.payloadType, `${ENVELOPE}.payloadType`);
  const payload = readDoubleBase64(envelope.payload, `${ENVELOPE}.payload`);
  const proposed = readBoundedArray(
    envelope.signatures,
    `${ENVELOPE}.signatures`,
    MAX_SIGNATURES,
    'signatures',
  ).map((value, i) => readSignature(value, child(`${ENVELOPE}.signatures`, i)));
  const hash = readSha256(content.hash, `${CONTENT}.hash`);
  const payloadHash = sha256Hex(payload.bytes);
  const claimedPayloadHash =
    content.payloadHash === undefined
      ? undefined
      : readSha256(content.payloadHash, `${CONTENT}.payloadHash`);
  const materials = proposed.map((s) => parseVerifierMaterial(s.publicKey, `${s.path}.publicKey`));

  const envelopeHash = (withKeys: boolean) =>
    sha256Hex(
      canonicalJson({
        payloadType,
        payload: payload.inner,
        signatures: proposed.map((s, i) => ({
          ...keyidOf(s),
          sig: s.innerSig,
          ...(withKeys && { publicKey: materials[i]!.pem }),
        })),
      }),
    );
  const computedHash = envelopeHash(true);
  // sigstore-js before @sigstore/sign (July 2023) left the keys out of this hash; Rekor never
  // checks it, so entries of both forms exist (public-good entry 6751924 is one of the older).
  if (hash !== computedHash && hash !== envelopeHash(false)) {
    throw new EntryError(
      'HASH_MISMATCH',
      `${CONTENT}.hash: value does not match the SHA-256 of the canonical envelope (computed ${computedHash})`,
    );
  }
  if (claimedPayloadHash !== undefined && claimedPayloadHash !== payloadHash) {
    throw new EntryError(
      'HASH_MISMATCH',
      `${CONTENT}.payloadHash: value does not match the SHA-256 of the payload (computed ${payloadHash})`,
    );
  }
  const body = canonicalJsonBytes({
    apiVersion: INTOTO_VERSION,
    kind: 'intoto',
    spec: {
      content: {
        envelope: {
          payloadType,
          signatures: proposed.map((s) => ({ ...keyidOf(s), publicKey: s.publicKey, sig: s.sig })),
        },
        hash: { algorithm: 'sha256', value: hash },
        payloadHash: { algorithm: 'sha256', value: payloadHash },
      },
    },
  });
  const distinct = materials.filter(
    (m, i) => materials.findIndex((other) => other.canonicalPem === m.canonicalPem) === i,
  );
  const entry: CanonicalEntry = {
    kind: 'intoto',
    apiVersion: INTOTO_VERSION,
    body: Buffer.from(body),
    verifiers: distinct.map((m) => m.verifier),
    indexKeys: uniqueKeys([
      `sha256:${payloadHash}`,
      ...statementSubjectKeys(payloadType, payload.bytes),
      ...distinct.flatMap((m) => m.indexKeys),
    ]),
  };
  return {
    kind: entry.kind,
    apiVersion: entry.apiVersion,
    verifiers: entry.verifiers,
    body: entry.body,
    minBodyLength: entry.body.length,
    verify: () => {
      proposed.forEach((s, i) => {
        checkSuppliedChain(materials[i]!, `${s.path}.publicKey`);
        if (!verifiesDsse(materials[i]!, payloadType, payload.bytes, s.signature)) {
          throw new EntryError(
            'INVALID_SIGNATURE',
            `${s.path}: signature does not verify with its publicKey`,
          );
        }
      });
      return entry;
    },
  };
}

/** {@link parseIntoto}, then `verify()`. */
export function canonicalizeIntoto(spec: unknown): CanonicalEntry {
  return parseIntoto(spec).verify();
}

function readSignature(value: unknown, path: string): ProposedSignature {
  const fields = readObject(value, path, ['sig', 'publicKey'], ['keyid']);
  const keyid = fields.keyid === undefined ? '' : readString(fields.keyid, `${path}.keyid`, true);
  const sig = readString(fields.sig, `${path}.sig`);
  const { inner, bytes } = readDoubleBase64(sig, `${path}.sig`);
  const publicKey = readString(fields.publicKey, `${path}.publicKey`);
  return { path, keyid, sig, publicKey, innerSig: inner, signature: bytes };
}

// Rekor's model drops an empty key ID (`omitempty`), and sigstore-js hashes what Rekor keeps.
function keyidOf(signature: ProposedSignature): { keyid?: string } {
  return signature.keyid === '' ? {} : { keyid: signature.keyid };
}

function readSha256(value: unknown, path: string): string {
  const fields = readObject(value, path, ['algorithm', 'value']);
  readDigestAlgorithm(fields.algorithm, `${path}.algorithm`, ['sha256']);
  return readHexDigest(fields.value, `${path}.value`, 'sha256').toString('hex');
}
