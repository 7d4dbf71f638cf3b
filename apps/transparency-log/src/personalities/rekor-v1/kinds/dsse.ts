// dsse v0.0.1: a DSSE envelope sent as a JSON string plus the keys or certificates that verify it
// (rekor:pkg/types/dsse/v0.0.1, dsse_v0_0_1_schema.json). The log stores only hashes and the
// signatures with their verifiers; the envelope itself is not kept.
import { canonicalJsonBytes, parseEnvelope, SigningError, type DsseEnvelope } from '@app/signing';
import { EntryError, type CanonicalEntry } from './canonical-entry';
import {
  child,
  malformed,
  readArray,
  readBase64,
  readObject,
  readString,
  sha256Hex,
} from './fields';
import { statementSubjectKeys, uniqueKeys } from './index-keys';
import { parseVerifierMaterial, verifiesDsse, type VerifierMaterial } from './verifier-material';

/** The apiVersion this module implements. */
export const DSSE_VERSION = '0.0.1';

const PROPOSED = 'spec.proposedContent';
const ENVELOPE = `${PROPOSED}.envelope`;
const VERIFIERS = `${PROPOSED}.verifiers`;
// Fields of the stored form that only the log computes (the schema's second `oneOf` branch).
const COMPUTED_FIELDS = ['envelopeHash', 'payloadHash', 'signatures'];

/**
 * Validates a dsse v0.0.1 `spec`, checks that every envelope signature verifies (over the DSSE PAE,
 * SHA-256 for ECDSA and RSA) with one of the verifiers, and returns Rekor's canonical entry:
 * `envelopeHash` = SHA-256 of the envelope string as sent, `payloadHash` = SHA-256 of the decoded
 * payload, and one `{signature, verifier}` per distinct signature, sorted by signature, the
 * verifier being the base64 of its re-encoded PEM. Verifiers that verified no signature are left
 * out.
 *
 * @throws EntryError `MALFORMED_ENTRY` for a missing, extra or mistyped field, log-computed fields
 *   in the proposal, or an envelope that is not a DSSE envelope in JSON; `INVALID_VERIFIER` for
 *   an unusable key or certificate; `INVALID_SIGNATURE` naming the first signature no verifier
 *   verifies.
 */
export function canonicalizeDsse(spec: unknown): CanonicalEntry {
  rejectComputedFields(spec);
  const fields = readObject(spec, 'spec', ['proposedContent']);
  const proposed = readObject(fields.proposedContent, PROPOSED, ['envelope', 'verifiers']);
  const envelopeText = readString(proposed.envelope, ENVELOPE);
  const envelope = parseEnvelopeText(envelopeText);
  const signatures = envelope.signatures.map(({ sig }, i) =>
    readBase64(sig, child(`${ENVELOPE}.signatures`, i) + '.sig'),
  );
  const materials = readArray(proposed.verifiers, VERIFIERS).map((value, i) =>
    parseVerifierMaterial(value, child(VERIFIERS, i)),
  );

  const payload = Buffer.from(envelope.payload, 'base64');
  const verifierBySignature = new Map<string, VerifierMaterial>();
  envelope.signatures.forEach(({ sig }, i) => {
    if (verifierBySignature.has(sig)) return;
    const material = materials.find((m) =>
      verifiesDsse(m, envelope.payloadType, payload, signatures[i]!),
    );
    if (material === undefined) {
      throw new EntryError(
        'INVALID_SIGNATURE',
        `${ENVELOPE}.signatures[${i}]: signature does not verify with any of ${VERIFIERS}`,
      );
    }
    verifierBySignature.set(sig, material);
  });

  const payloadHash = sha256Hex(payload);
  const stored = [...verifierBySignature]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([signature, material]) => ({
      signature,
      verifier: Buffer.from(material.canonicalPem).toString('base64'),
    }));
  const body = canonicalJsonBytes({
    apiVersion: DSSE_VERSION,
    kind: 'dsse',
    spec: {
      envelopeHash: { algorithm: 'sha256', value: sha256Hex(envelopeText) },
      payloadHash: { algorithm: 'sha256', value: payloadHash },
      signatures: stored,
    },
  });
  const used = materials.filter((m) => [...verifierBySignature.values()].includes(m));
  return {
    kind: 'dsse',
    apiVersion: DSSE_VERSION,
    body: Buffer.from(body),
    verifiers: used.map((m) => m.verifier),
    indexKeys: uniqueKeys([
      `sha256:${payloadHash}`,
      ...statementSubjectKeys(envelope.payloadType, payload),
      ...used.flatMap((m) => m.indexKeys),
    ]),
  };
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
