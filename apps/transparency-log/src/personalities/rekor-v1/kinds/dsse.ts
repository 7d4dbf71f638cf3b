// dsse v0.0.1: a DSSE envelope sent as a JSON string plus the keys or certificates that verify it
// (rekor:pkg/types/dsse/v0.0.1, dsse_v0_0_1_schema.json). The log stores only hashes and the
// signatures with their verifiers; the envelope itself is not kept.
import { canonicalJsonBytes, parseEnvelope, SigningError, type DsseEnvelope } from '@app/signing';
import { EntryError, type CanonicalEntry, type ParsedEntry } from './canonical-entry';
import {
  checkCount,
  child,
  malformed,
  MAX_SIGNATURES,
  MAX_VERIFIERS,
  readBase64,
  readBoundedArray,
  readObject,
  readString,
  sha256Hex,
} from './fields';
import { statementSubjectKeys, uniqueKeys } from './index-keys';
import {
  checkSuppliedChain,
  parseVerifierMaterial,
  verifiesDsse,
  type VerifierMaterial,
} from './verifier-material';

/** The apiVersion this module implements. */
export const DSSE_VERSION = '0.0.1';

const PROPOSED = 'spec.proposedContent';
const ENVELOPE = `${PROPOSED}.envelope`;
const VERIFIERS = `${PROPOSED}.verifiers`;
// Fields of the stored form that only the log computes (the schema's second `oneOf` branch).
const COMPUTED_FIELDS = ['envelopeHash', 'payloadHash', 'signatures'];

/**
 * Validates a dsse v0.0.1 `spec` and returns it parsed: every verifier, for write authorization,
 * and `verify()`, which checks that every envelope signature verifies (over the DSSE PAE, SHA-256
 * for ECDSA and RSA) with one of the verifiers and returns Rekor's canonical entry:
 * `envelopeHash` = SHA-256 of the envelope string as sent, `payloadHash` = SHA-256 of the decoded
 * payload, and one `{signature, verifier}` per distinct signature, sorted by signature, the
 * verifier being the base64 of its re-encoded PEM. Verifiers that verified no signature are left
 * out of the entry. Signatures are matched to verifiers by {@link matchSignatures}.
 *
 * @throws EntryError `MALFORMED_ENTRY` for a missing, extra or mistyped field, log-computed fields
 *   in the proposal, an envelope that is not a DSSE envelope in JSON, more than
 *   {@link MAX_SIGNATURES} signatures or {@link MAX_VERIFIERS} verifiers, or a verifier listed
 *   twice; `INVALID_VERIFIER` for an unusable key or certificate; from `verify()`,
 *   `INVALID_SIGNATURE` naming the first signature no verifier verifies.
 */
export function parseDsse(spec: unknown): ParsedEntry {
  rejectComputedFields(spec);
  const fields = readObject(spec, 'spec', ['proposedContent']);
  const proposed = readObject(fields.proposedContent, PROPOSED, ['envelope', 'verifiers']);
  const envelopeText = readString(proposed.envelope, ENVELOPE);
  const envelope = parseEnvelopeText(envelopeText);
  checkCount(envelope.signatures.length, `${ENVELOPE}.signatures`, MAX_SIGNATURES, 'signatures');
  const signatures = envelope.signatures.map(({ sig }, i) =>
    readBase64(sig, child(`${ENVELOPE}.signatures`, i) + '.sig'),
  );
  const materials = readBoundedArray(proposed.verifiers, VERIFIERS, MAX_VERIFIERS, 'verifiers').map(
    (value, i) => parseVerifierMaterial(value, child(VERIFIERS, i)),
  );
  materials.forEach((m, i) => {
    const first = materials.findIndex((other) => other.canonicalPem === m.canonicalPem);
    if (first !== i) {
      throw malformed(
        child(VERIFIERS, i),
        `the same key or certificate as ${child(VERIFIERS, first)}`,
      );
    }
  });

  const payload = Buffer.from(envelope.payload, 'base64');
  const payloadHash = sha256Hex(payload);
  // Each distinct signature, at the index where it first appears.
  const distinct = envelope.signatures.flatMap(({ sig }, i) =>
    envelope.signatures.findIndex((other) => other.sig === sig) === i ? [i] : [],
  );
  const bodyOf = (verifierOf: (signature: number) => VerifierMaterial) =>
    Buffer.from(
      canonicalJsonBytes({
        apiVersion: DSSE_VERSION,
        kind: 'dsse',
        spec: {
          envelopeHash: { algorithm: 'sha256', value: sha256Hex(envelopeText) },
          payloadHash: { algorithm: 'sha256', value: payloadHash },
          signatures: distinct
            .map((i) => ({
              signature: envelope.signatures[i]!.sig,
              verifier: Buffer.from(verifierOf(i).canonicalPem).toString('base64'),
            }))
            .sort((a, b) => (a.signature < b.signature ? -1 : a.signature > b.signature ? 1 : 0)),
        },
      }),
    );
  const lightest = materials.reduce((a, b) =>
    b.canonicalPem.length < a.canonicalPem.length ? b : a,
  );

  const verify = (): CanonicalEntry => {
    const byFingerprint = new Map(materials.map((m, i) => [m.fingerprint, i]));
    const match = matchSignatures(
      distinct.length,
      materials.length,
      (d) => byFingerprint.get(envelope.signatures[distinct[d]!]!.keyid ?? ''),
      (d, v) =>
        verifiesDsse(materials[v]!, envelope.payloadType, payload, signatures[distinct[d]!]!),
    );
    if (match.unverified !== undefined) {
      throw new EntryError(
        'INVALID_SIGNATURE',
        `${ENVELOPE}.signatures[${distinct[match.unverified]}]: signature does not verify with any of ${VERIFIERS}`,
      );
    }
    const verifierOf = new Map(distinct.map((i, d) => [i, materials[match.verifiers[d]!]!]));
    const used = materials.filter((m) => [...verifierOf.values()].includes(m));
    used.forEach((m) => checkSuppliedChain(m, child(VERIFIERS, materials.indexOf(m))));
    return {
      kind: 'dsse',
      apiVersion: DSSE_VERSION,
      body: bodyOf((i) => verifierOf.get(i)!),
      verifiers: used.map((m) => m.verifier),
      indexKeys: uniqueKeys([
        `sha256:${payloadHash}`,
        ...statementSubjectKeys(envelope.payloadType, payload),
        ...used.flatMap((m) => m.indexKeys),
      ]),
    };
  };
  return {
    kind: 'dsse',
    apiVersion: DSSE_VERSION,
    verifiers: materials.map((m) => m.verifier),
    body: materials.length === 1 ? bodyOf(() => lightest) : undefined,
    minBodyLength: bodyOf(() => lightest).length,
    verify,
  };
}

/** {@link parseDsse}, then `verify()`. */
export function canonicalizeDsse(spec: unknown): CanonicalEntry {
  return parseDsse(spec).verify();
}

/**
 * Finds, for each of `signatures` in order, a verifier (an index below `verifiers`) for which
 * `verifies` holds, trying first the one the signature names (`named`: a DSSE keyid equal to a
 * verifier's key fingerprint), then the one that verified the previous signature, then the rest
 * in order. An envelope signed by one key, the usual case, thus costs one verification per
 * signature once its key is found, rather than signatures × verifiers. Stops at the first
 * signature no verifier verifies and returns its position as `unverified`.
 */
export function matchSignatures(
  signatures: number,
  verifiers: number,
  named: (signature: number) => number | undefined,
  verifies: (signature: number, verifier: number) => boolean,
): { verifiers: number[]; unverified?: number } {
  const matched: number[] = [];
  let previous: number | undefined;
  for (let s = 0; s < signatures; s++) {
    const preferred = [named(s), previous].filter((v) => v !== undefined);
    const order = new Set([...preferred, ...Array.from({ length: verifiers }, (_, v) => v)]);
    const found = [...order].find((v) => verifies(s, v));
    if (found === undefined) return { verifiers: matched, unverified: s };
    matched.push(found);
    previous = found;
  }
  return { verifiers: matched };
}

function rejectComputedFields(spec: unknown): void {
  if (typeof spec !== 'object' || spec === null) return;
  const found = COMPUTED_FIELDS.find((key) => Object.hasOwn(spec, key));
  if (found !== undefined) {
    throw malformed(`spec.${found}`, 'is computed by the log; propose only spec.proposedContent');
  }
}

function parseEnvelopeText(text: string): DsseEnvelope {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new EntryError('MALFORMED_ENTRY', `${ENVELOPE}: not valid JSON`, { cause });
  }
  try {
    return parseEnvelope(json);
  } catch (cause) {
    if (!(cause instanceof SigningError)) throw cause;
    throw new EntryError('MALFORMED_ENTRY', `${ENVELOPE}: ${cause.message}`, { cause });
  }
}
