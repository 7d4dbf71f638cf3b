/* Who signed what, read from the entries of each log: Rekor v1 bodies (hashedrekord, dsse,
   intoto), Rekor v2 bodies (hashedrekord and dsse v0.0.2) and RFC 6962 CT entries. */
import type { KeyObject } from 'node:crypto';
import { parseCertificate, parsePublicKey, publicKeyFromSpki } from '@app/signing';
import type { EntryMaterial } from './watchlist';

/** An entry's kind and what it says; `kind` is `?` for a body signet cannot read. */
export interface ReadEntry extends EntryMaterial {
  readonly kind: string;
}

type Json = Record<string, unknown> | undefined;
const obj = (value: unknown): Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
const arr = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** Sorts base64 PEM or DER verifier material into certificates and bare keys. */
class Signers {
  readonly certificates: Uint8Array[] = [];
  readonly publicKeys: KeyObject[] = [];

  /** A base64 PEM (Rekor v1 `publicKey.content`, `verifier`): a certificate or a key. */
  pem(base64: string | undefined): void {
    if (base64 === undefined) return;
    const text = Buffer.from(base64, 'base64').toString('utf8');
    if (text.includes('-----BEGIN CERTIFICATE-----')) {
      try {
        this.certificates.push(parseCertificate(text).der);
      } catch {
        // Unreadable: nothing to match.
      }
      return;
    }
    try {
      this.publicKeys.push(parsePublicKey(text));
    } catch {
      // Unreadable: nothing to match.
    }
  }

  /** A Rekor v2 verifier: `{x509Certificate: {rawBytes}}` or `{publicKey: {rawBytes}}`. */
  v2(verifier: Json): void {
    const cert = str(obj(verifier?.x509Certificate)?.rawBytes);
    const key = str(obj(verifier?.publicKey)?.rawBytes);
    if (cert !== undefined) this.certificates.push(Buffer.from(cert, 'base64'));
    else if (key !== undefined) {
      try {
        this.publicKeys.push(publicKeyFromSpki(Buffer.from(key, 'base64')));
      } catch {
        // Unreadable: nothing to match.
      }
    }
  }
}

const sha256Digest = (hash: Json): string[] => {
  const value = str(hash?.value);
  return hash?.algorithm === 'sha256' && value !== undefined && /^[0-9a-f]{64}$/i.test(value)
    ? [`sha256:${value.toLowerCase()}`]
    : [];
};

const v2Digest = (hash: Json): string[] => {
  const digest = str(hash?.digest);
  return hash?.algorithm === 'SHA2_256' && digest !== undefined
    ? [`sha256:${Buffer.from(digest, 'base64').toString('hex')}`]
    : [];
};

/**
 * Reads a Rekor v1 or v2 entry body (canonical JSON bytes, as the log hashes them). A body of
 * another kind, or one that is not JSON, yields kind `?` and no material.
 */
export function readRekorBody(body: Uint8Array): ReadEntry {
  let parsed: Json;
  try {
    parsed = obj(JSON.parse(Buffer.from(body).toString('utf8')));
  } catch {
    parsed = undefined;
  }
  const kind = str(parsed?.kind) ?? '?';
  const spec = obj(parsed?.spec);
  const signers = new Signers();
  let digests: string[] = [];
  if (kind === 'hashedrekord' && spec?.hashedRekordV002 !== undefined) {
    const v2 = obj(spec.hashedRekordV002);
    signers.v2(obj(obj(v2?.signature)?.verifier));
    digests = v2Digest(obj(v2?.data));
  } else if (kind === 'hashedrekord') {
    signers.pem(str(obj(obj(spec?.signature)?.publicKey)?.content));
    digests = sha256Digest(obj(obj(spec?.data)?.hash));
  } else if (kind === 'dsse' && spec?.dsseV002 !== undefined) {
    const v2 = obj(spec.dsseV002);
    for (const s of arr(v2?.signatures)) signers.v2(obj(obj(s)?.verifier));
    digests = v2Digest(obj(v2?.payloadHash));
  } else if (kind === 'dsse') {
    for (const s of arr(spec?.signatures)) signers.pem(str(obj(s)?.verifier));
    digests = sha256Digest(obj(spec?.payloadHash));
  } else if (kind === 'intoto') {
    const content = obj(spec?.content);
    for (const s of arr(obj(content?.envelope)?.signatures)) signers.pem(str(obj(s)?.publicKey));
    digests = sha256Digest(obj(content?.payloadHash));
  }
  return { kind, certificates: signers.certificates, publicKeys: signers.publicKeys, digests };
}

/** A CT entry's (pre)certificate as material: kind `x509` or `precert`. */
export function readCtCertificate(type: 'x509' | 'precert', certificate: Uint8Array): ReadEntry {
  return { kind: type, certificates: [certificate], publicKeys: [], digests: [] };
}
