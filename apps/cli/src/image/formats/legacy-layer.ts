/* The cosign v2 (legacy) layers: a `.sig` layer per signature, a `.att` layer per attestation,
   each carrying its certificate, chain and the log's signed entry timestamp as annotations
   (images.md §1.1; cosign `pkg/oci/static/signature.go`, `pkg/cosign/bundle/rekor.go`). */
import { createHash } from 'node:crypto';
import { type Bundle, envelopeToJSON, type TransparencyLogEntry } from '@sigstore/bundle';
import { certificatesFromPem, certificatesToPem, parseInTotoStatement } from '@app/signing';
import { leafCertificate } from '../../cli/certificate';
import {
  type Blob,
  blobOf,
  DSSE_ENVELOPE,
  type OciDescriptor,
  SIMPLE_SIGNING,
  sortedAnnotations,
} from './oci';

/** The annotation keys of legacy layers (cosign `pkg/oci/static`; `predicateType` on `.att`). */
export const CosignAnnotation = {
  signature: 'dev.cosignproject.cosign/signature',
  certificate: 'dev.sigstore.cosign/certificate',
  chain: 'dev.sigstore.cosign/chain',
  bundle: 'dev.sigstore.cosign/bundle',
  rfc3161timestamp: 'dev.sigstore.cosign/rfc3161timestamp',
  predicateType: 'predicateType',
} as const;

/** One layer of a `.sig` or `.att` manifest: its descriptor and the blob it names. */
export interface LegacyLayer {
  descriptor: OciDescriptor;
  blob: Blob;
}

/** The `dev.sigstore.cosign/bundle` annotation, parsed (cosign `bundle.RekorBundle`). */
export interface RekorBundle {
  SignedEntryTimestamp: string;
  Payload: { body: string; integratedTime: number; logIndex: number; logID: string };
}

/** The Rekor v1 entry kinds a legacy layer can be logged as, by layer type. */
const KINDS = { [SIMPLE_SIGNING]: 'hashedrekord', [DSSE_ENVELOPE]: 'dsse' } as const;

/**
 * The `.sig` layer of a message signature over `payload` (a simple-signing payload): media type
 * {@link SIMPLE_SIGNING}, blob = the payload, annotations signature (base64), certificate (the PEM
 * the log entry records, byte for byte: containers/image compares them), chain (PEM of `chain`,
 * intermediates then root) and the SET bundle. Throws an Error when the bundle is not a message
 * signature over `payload` with one Rekor v1 hashedrekord entry carrying a SET.
 */
export function legacySignatureLayer(
  bundle: Bundle,
  payload: Buffer,
  chain: readonly Uint8Array[],
): LegacyLayer {
  if (bundle.content.$case !== 'messageSignature') {
    throw new Error('a .sig layer needs a message signature bundle');
  }
  const { messageDigest, signature } = bundle.content.messageSignature;
  if (!messageDigest.digest.equals(createHash('sha256').update(payload).digest())) {
    throw new Error('the bundle does not sign this payload');
  }
  return layer(bundle, SIMPLE_SIGNING, payload, chain, {
    [CosignAnnotation.signature]: signature.toString('base64'),
  });
}

/**
 * The `.att` layer of a DSSE bundle: media type {@link DSSE_ENVELOPE}, blob = the envelope JSON,
 * annotations signature `""` (it lives in the envelope), predicateType, certificate, chain and
 * SET bundle. Throws as {@link legacySignatureLayer}, for a Rekor v1 `dsse` entry.
 */
export function legacyAttestationLayer(bundle: Bundle, chain: readonly Uint8Array[]): LegacyLayer {
  if (bundle.content.$case !== 'dsseEnvelope') {
    throw new Error('an .att layer needs a DSSE bundle');
  }
  const envelope = bundle.content.dsseEnvelope;
  const predicateType = parseInTotoStatement(envelope.payload)?.predicateType;
  if (typeof predicateType !== 'string') {
    throw new Error('the DSSE envelope does not carry an in-toto statement with a predicateType');
  }
  const bytes = Buffer.from(JSON.stringify(envelopeToJSON(envelope)));
  return layer(bundle, DSSE_ENVELOPE, bytes, chain, {
    [CosignAnnotation.signature]: '',
    [CosignAnnotation.predicateType]: predicateType,
  });
}

function layer(
  bundle: Bundle,
  mediaType: keyof typeof KINDS,
  bytes: Buffer,
  chain: readonly Uint8Array[],
  own: Record<string, string>,
): LegacyLayer {
  const entry = setEntry(bundle, KINDS[mediaType]);
  const leaf = leafCertificate(bundle);
  const certificatePem = loggedCertificatePem(entry);
  const logged = certificatesFromPem(certificatePem);
  if (leaf === undefined || logged.length !== 1 || !leaf.equals(Buffer.from(logged[0]!))) {
    throw new Error("the log entry's public key is not the bundle's certificate");
  }
  const blob = blobOf(bytes);
  return {
    blob,
    descriptor: {
      mediaType,
      size: bytes.length,
      digest: blob.digest,
      annotations: sortedAnnotations({
        ...own,
        [CosignAnnotation.certificate]: certificatePem,
        [CosignAnnotation.chain]: certificatesToPem(chain),
        [CosignAnnotation.bundle]: rekorBundleAnnotation(entry),
      }),
    },
  };
}

/** The bundle's one log entry: Rekor v1 `kind` 0.0.1 with a SET. */
function setEntry(bundle: Bundle, kind: string): TransparencyLogEntry {
  const entries = bundle.verificationMaterial.tlogEntries;
  const entry = entries[0];
  if (entries.length !== 1 || entry === undefined) {
    throw new Error(`the bundle has ${entries.length} log entries, the legacy format records one`);
  }
  if (entry.kindVersion?.kind !== kind || entry.kindVersion.version !== '0.0.1') {
    const found = `${entry.kindVersion?.kind ?? '?'} ${entry.kindVersion?.version ?? '?'}`;
    throw new Error(
      `the log entry is ${found}, the legacy format needs ${kind} 0.0.1 (a Rekor v1 log)`,
    );
  }
  if (entry.inclusionPromise === undefined) {
    throw new Error(
      'the log entry has no signed entry timestamp: the legacy format needs a Rekor v1 log',
    );
  }
  return entry;
}

/**
 * The PEM the log entry records as the signer: hashedrekord `spec.signature.publicKey.content`,
 * dsse `spec.signatures[0].verifier`, intoto `spec.content.envelope.signatures[0].publicKey`
 * (each base64 of PEM).
 */
export function loggedCertificatePem(entry: TransparencyLogEntry): string {
  const body = JSON.parse(entry.canonicalizedBody.toString('utf8')) as {
    kind?: string;
    spec?: {
      signature?: { publicKey?: { content?: unknown } };
      signatures?: { verifier?: unknown }[];
      content?: { envelope?: { signatures?: { publicKey?: unknown }[] } };
    };
  };
  // intoto 0.0.2: how cosign v2 logged attestations.
  const value =
    body.kind === 'hashedrekord'
      ? body.spec?.signature?.publicKey?.content
      : body.kind === 'intoto'
        ? body.spec?.content?.envelope?.signatures?.[0]?.publicKey
        : body.spec?.signatures?.[0]?.verifier;
  if (typeof value !== 'string') throw new Error('the log entry records no public key');
  return Buffer.from(value, 'base64').toString('utf8');
}

/**
 * The `dev.sigstore.cosign/bundle` value of `entry`: `{"SignedEntryTimestamp","Payload":{"body",
 * "integratedTime","logIndex","logID"}}` (Go field order of cosign's `RekorBundle`), logID in hex.
 */
export function rekorBundleAnnotation(entry: TransparencyLogEntry): string {
  if (entry.inclusionPromise === undefined) throw new Error('the log entry has no SET');
  const bundle: RekorBundle = {
    SignedEntryTimestamp: entry.inclusionPromise.signedEntryTimestamp.toString('base64'),
    Payload: {
      body: entry.canonicalizedBody.toString('base64'),
      integratedTime: Number(entry.integratedTime),
      logIndex: Number(entry.logIndex),
      logID: entry.logId.keyId.toString('hex'),
    },
  };
  return JSON.stringify(bundle);
}
