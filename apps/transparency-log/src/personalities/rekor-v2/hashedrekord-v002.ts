import { createHash, type KeyObject } from 'node:crypto';
import {
  canonicalJsonBytes,
  type DigestAlgorithm,
  DIGEST_LENGTHS,
  parseCertificate,
  preAuthEncoding,
  publicKeyDetails,
  verifySignature,
  publicKeyFromSpki,
  publicKeyToDer,
  verifyDigestSignature,
  type ParsedCertificate,
} from '@app/signing';
import type { EntryVerifier } from '../../core/trust/verifier';
import { LogError } from '../../errors';

/** rekor-tiles' message for a request of another type. */
const NOT_HASHEDREKORD = 'invalid type, must be hashedrekord';

/**
 * The key's default `PublicKeyDetails` with the digest its hashedrekord entries use: what
 * rekor-tiles stores and sigstore-go recomputes. Pure Ed25519 is refused (it cannot sign a
 * digest; rekor-tiles#927).
 */
function defaultDetails(
  key: KeyObject,
): { keyDetails: string; digest: DigestAlgorithm } | undefined {
  const details = publicKeyDetails(key);
  return details === undefined || details.digest === null
    ? undefined
    : { keyDetails: details.keyDetails, digest: details.digest };
}

const ALGORITHM_NAMES: Record<DigestAlgorithm, string> = {
  sha256: 'SHA2_256',
  sha384: 'SHA2_384',
  sha512: 'SHA2_512',
};

/** A validated `hashedRekordRequestV002`, ready to authorize, verify and log. */
export interface HashedRekordV002 {
  readonly verifier: EntryVerifier;
  readonly kind: 'hashedrekord' | 'dsse';
  /** The canonical entry rekor-tiles stores (JCS of the protojson `Entry`). */
  readonly body: Buffer;
  /** Checks the signature over the digest (after authorization: it is the costly part). */
  verify(): void;
}

const bad = (field: string, message: string) =>
  new LogError('MALFORMED_REQUEST', `${field}: ${message}`);

function object(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw bad(field, 'must be a JSON object');
  }
  return value as Record<string, unknown>;
}

function base64(value: unknown, field: string): Buffer {
  if (
    typeof value !== 'string' ||
    value.length === 0 ||
    value.length % 4 !== 0 ||
    !/^[A-Za-z0-9+/]*={0,2}$/.test(value)
  ) {
    throw bad(field, 'must be non-empty standard base64');
  }
  return Buffer.from(value, 'base64');
}

function onlyFields(value: Record<string, unknown>, field: string, allowed: readonly string[]) {
  const extra = Object.keys(value).find((k) => !allowed.includes(k));
  if (extra !== undefined) throw bad(`${field}.${extra}`, 'is not a known field');
}

/**
 * Parses a Rekor v2 `CreateEntryRequest` (rekor-tiles `POST /api/v2/log/entries`): only
 * `hashedRekordRequestV002`, with an X.509 certificate (DER) or a public key (DER SPKI), a
 * `keyDetails` that is the key's own, and a digest of the length that key's algorithm makes.
 * Builds the canonical entry exactly as rekor-tiles stores it: JCS of
 * `{"apiVersion":"0.0.2","kind":"hashedrekord","spec":{"hashedRekordV002":{...}}}` with the
 * verifier as DER. Throws MALFORMED_REQUEST (400) naming the field.
 */
export function parseCreateEntryRequest(request: unknown): HashedRekordV002 {
  const top = object(request, 'request');
  const keys = Object.keys(top);
  if (keys.length === 1 && keys[0] === 'dsseRequestV002') {
    return parseDsseRequestV002(object(top.dsseRequestV002, 'dsseRequestV002'));
  }
  if (keys.length !== 1 || keys[0] !== 'hashedRekordRequestV002') {
    throw new LogError('MALFORMED_REQUEST', NOT_HASHEDREKORD);
  }
  const req = object(top.hashedRekordRequestV002, 'hashedRekordRequestV002');
  onlyFields(req, 'hashedRekordRequestV002', ['digest', 'signature']);
  const digest = base64(req.digest, 'hashedRekordRequestV002.digest');
  const signature = object(req.signature, 'hashedRekordRequestV002.signature');
  onlyFields(signature, 'hashedRekordRequestV002.signature', ['content', 'verifier']);
  const content = base64(signature.content, 'hashedRekordRequestV002.signature.content');
  const verifierField = 'hashedRekordRequestV002.signature.verifier';
  const verifier = object(signature.verifier, verifierField);

  const { key, certificate, material, details } = parseVerifier(verifier, verifierField);
  if (digest.length !== DIGEST_LENGTHS[details.digest]) {
    throw bad(
      'hashedRekordRequestV002.digest',
      `is ${digest.length} bytes; ${details.keyDetails} signs a ${DIGEST_LENGTHS[details.digest]}-byte ${ALGORITHM_NAMES[details.digest]} digest`,
    );
  }
  const body = Buffer.from(
    canonicalJsonBytes({
      apiVersion: '0.0.2',
      kind: 'hashedrekord',
      spec: {
        hashedRekordV002: {
          data: { algorithm: ALGORITHM_NAMES[details.digest], digest: digest.toString('base64') },
          signature: {
            content: content.toString('base64'),
            verifier: { keyDetails: details.keyDetails, ...material },
          },
        },
      },
    }),
  );
  return {
    verifier: certificate === undefined ? { publicKey: key } : { publicKey: key, certificate },
    kind: 'hashedrekord',
    body,
    verify: () => {
      if (!verifyDigestSignature(key, details.digest, digest, content)) {
        throw new LogError(
          'MALFORMED_REQUEST',
          'hashedRekordRequestV002.signature.content: the signature does not verify over the digest with this key',
        );
      }
    },
  };
}

/** A request's verifier: its key, certificate, the DER material stored, and its key details. */
function parseVerifier(
  verifier: Record<string, unknown>,
  verifierField: string,
): {
  key: KeyObject;
  certificate: ParsedCertificate | undefined;
  material: Record<string, { rawBytes: string }>;
  details: { keyDetails: string; digest: DigestAlgorithm };
} {
  onlyFields(verifier, verifierField, ['keyDetails', 'x509Certificate', 'publicKey']);
  let key: KeyObject;
  let certificate: ParsedCertificate | undefined;
  let material: Record<string, { rawBytes: string }>;
  if ('x509Certificate' in verifier === 'publicKey' in verifier) {
    throw bad(verifierField, 'must hold exactly one of x509Certificate and publicKey');
  }
  if ('x509Certificate' in verifier) {
    const field = `${verifierField}.x509Certificate`;
    const der = base64(object(verifier.x509Certificate, field).rawBytes, `${field}.rawBytes`);
    try {
      certificate = parseCertificate(new Uint8Array(der));
    } catch (err) {
      throw bad(`${field}.rawBytes`, `is not a DER X.509 certificate: ${(err as Error).message}`);
    }
    key = certificate.publicKey;
    material = { x509Certificate: { rawBytes: der.toString('base64') } };
  } else {
    const field = `${verifierField}.publicKey`;
    const der = base64(object(verifier.publicKey, field).rawBytes, `${field}.rawBytes`);
    try {
      key = publicKeyFromSpki(new Uint8Array(der));
    } catch (err) {
      throw bad(
        `${field}.rawBytes`,
        `is not a DER SubjectPublicKeyInfo: ${(err as Error).message}`,
      );
    }
    // Stored as the key's canonical DER, as sigstore-go rebuilds it.
    material = { publicKey: { rawBytes: Buffer.from(publicKeyToDer(key)).toString('base64') } };
  }
  const details = defaultDetails(key);
  if (details === undefined) {
    throw bad(
      `${verifierField}.keyDetails`,
      'the key is not one rekor-tiles accepts for hashedrekord (ECDSA P-256/384/521, RSA 2048/3072/4096; not pure Ed25519)',
    );
  }
  if (verifier.keyDetails !== details.keyDetails) {
    throw bad(
      `${verifierField}.keyDetails`,
      `is ${JSON.stringify(verifier.keyDetails)}; this key's is ${details.keyDetails}`,
    );
  }
  return { key, certificate, material, details };
}

/**
 * sigstore-js 5.1's deprecated `dsseRequestV002` (rekor-tiles refuses it since v2.3.0), accepted
 * so that stock sigstore-js can log attestations to a v2 shard: one envelope signature, one
 * verifier, checked over the envelope's PAE (after authorization), and stored as rekor-tiles
 * stored `dsse` v0.0.2 before dropping it: JCS of
 * `{"apiVersion":"0.0.2","kind":"dsse","spec":{"dsseV002":{"payloadHash":…,"signatures":[…]}}}`,
 * which @sigstore/verify checks against the bundle (signature and payload digest).
 */
function parseDsseRequestV002(req: Record<string, unknown>): HashedRekordV002 {
  onlyFields(req, 'dsseRequestV002', ['envelope', 'verifiers']);
  const envelope = object(req.envelope, 'dsseRequestV002.envelope');
  onlyFields(envelope, 'dsseRequestV002.envelope', ['payload', 'payloadType', 'signatures']);
  const payload = base64(envelope.payload, 'dsseRequestV002.envelope.payload');
  if (typeof envelope.payloadType !== 'string' || envelope.payloadType === '') {
    throw bad('dsseRequestV002.envelope.payloadType', 'must be a non-empty string');
  }
  const payloadType = envelope.payloadType;
  const signatures = envelope.signatures;
  if (!Array.isArray(signatures) || signatures.length !== 1) {
    throw bad(
      'dsseRequestV002.envelope.signatures',
      'must hold exactly one signature (a Rekor v2 entry has one)',
    );
  }
  const first = object(signatures[0], 'dsseRequestV002.envelope.signatures[0]');
  const sig = base64(first.sig, 'dsseRequestV002.envelope.signatures[0].sig');
  const verifiers = req.verifiers;
  if (!Array.isArray(verifiers) || verifiers.length !== 1) {
    throw bad('dsseRequestV002.verifiers', 'must hold exactly one verifier');
  }
  const field = 'dsseRequestV002.verifiers[0]';
  const { key, certificate, material, details } = parseVerifier(object(verifiers[0], field), field);
  const body = Buffer.from(
    canonicalJsonBytes({
      apiVersion: '0.0.2',
      kind: 'dsse',
      spec: {
        dsseV002: {
          // SHA-256 whatever the key: what sigstore-js compares the envelope's payload with.
          payloadHash: {
            algorithm: 'SHA2_256',
            digest: createHash('sha256').update(payload).digest('base64'),
          },
          signatures: [
            {
              content: sig.toString('base64'),
              verifier: { keyDetails: details.keyDetails, ...material },
            },
          ],
        },
      },
    }),
  );
  return {
    verifier: certificate === undefined ? { publicKey: key } : { publicKey: key, certificate },
    kind: 'dsse',
    body,
    verify: () => {
      if (!verifySignature(key, preAuthEncoding(payloadType, payload), sig)) {
        throw new LogError(
          'MALFORMED_REQUEST',
          'dsseRequestV002.envelope.signatures[0].sig: the signature does not verify over the envelope with this key',
        );
      }
    },
  };
}
