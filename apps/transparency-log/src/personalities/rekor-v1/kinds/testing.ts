// Test helpers for the entry kinds (not exported from the index): signers holding a CA-issued
// certificate or a bare key, and proposed entries built the way sigstore-js builds them
// (@sigstore/sign `witness/tlog/entry.ts`).
import { createHash, sign, type KeyObject } from 'node:crypto';
import {
  buildLeaf,
  canonicalJson,
  certificatesToPem,
  generateKeyPair,
  preAuthEncoding,
  publicKeyToPem,
  type LeafSubjectAltName,
  type SignatureAlgorithm,
} from '@app/signing';
import { testLeafRequest, testPki, type TestPki } from '@app/signing/x509/testing';
import { EntryError } from './canonical-entry';

/** A key pair and the PEM an entry carries for it. */
export interface TestSigner {
  readonly algorithm: SignatureAlgorithm;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  /** The leaf certificate or the public key, as PEM. */
  readonly pem: string;
}

/** A signer whose key a test CA certified. */
export interface CertificateSigner extends TestSigner {
  readonly certificate: Uint8Array;
  /** Leaf, intermediate and root, as PEM. */
  readonly chainPem: string;
  readonly pki: TestPki;
}

export const b64 = (data: string | Uint8Array): string => Buffer.from(data).toString('base64');

export const sha256 = (data: string | Uint8Array): Buffer =>
  createHash('sha256').update(data).digest();

/** A signer with a fresh `algorithm` key (RSA: 2048 bits) presented as a PEM public key. */
export function keySigner(algorithm: SignatureAlgorithm = 'ecdsa-p256-sha256'): TestSigner {
  const { privateKey, publicKey } = generateKeyPair(algorithm, 2048);
  return { algorithm, privateKey, publicKey, pem: publicKeyToPem(publicKey) };
}

/** A P-256 signer with a leaf certificate (default SAN: email Dev@Example.com) from a test PKI. */
export async function certificateSigner(
  subjectAltName: LeafSubjectAltName = { type: 'email', value: 'Dev@Example.com' },
  pki?: TestPki,
): Promise<CertificateSigner> {
  const now = new Date();
  const ca = pki ?? (await testPki({ now }));
  const { privateKey, publicKey } = generateKeyPair('ecdsa-p256-sha256');
  const certificate = await buildLeaf(
    testLeafRequest(ca, now, { subjectPublicKey: publicKey, subjectAltName }),
  ).certificate();
  return {
    algorithm: 'ecdsa-p256-sha256',
    privateKey,
    publicKey,
    pem: certificatesToPem([certificate]),
    certificate,
    chainPem: certificatesToPem([certificate, ca.intermediate, ca.root]),
    pki: ca,
  };
}

/** Signs `data` with `hash` (ignored for Ed25519); ECDSA signatures are DER. */
export function signWith(signer: TestSigner, data: Uint8Array, hash = 'sha256'): Buffer {
  const algorithm = signer.algorithm === 'ed25519' ? null : hash;
  return sign(algorithm, data, { key: signer.privateKey, dsaEncoding: 'der' });
}

/** A hashedrekord 0.0.1 proposal for `artifact`, hashed and signed with `hash`. */
export function hashedRekordProposal(signer: TestSigner, artifact: Buffer, hash = 'sha256') {
  return {
    apiVersion: '0.0.1',
    kind: 'hashedrekord',
    spec: {
      data: {
        hash: { algorithm: hash, value: createHash(hash).update(artifact).digest('hex') },
      },
      signature: {
        content: b64(signWith(signer, artifact, hash)),
        publicKey: { content: b64(signer.pem) },
      },
    },
  };
}

/** A DSSE envelope (JSON form) over `payload`: one signature per signer, over the PAE, SHA-256. */
export function dsseEnvelope(signers: readonly TestSigner[], payloadType: string, payload: string) {
  const pae = preAuthEncoding(payloadType, Buffer.from(payload));
  return {
    payload: b64(payload),
    payloadType,
    signatures: signers.map((signer) => ({ sig: b64(signWith(signer, pae)) })),
  };
}

/** A dsse 0.0.1 proposal: the envelope as a JSON string, verifiers as base64 PEM. */
export function dsseProposal(envelope: unknown, verifierPems: readonly string[]) {
  return {
    apiVersion: '0.0.1',
    kind: 'dsse',
    spec: {
      proposedContent: { envelope: JSON.stringify(envelope), verifiers: verifierPems.map(b64) },
    },
  };
}

/** An intoto 0.0.2 proposal, one signature, `hash` and `payloadHash` as sigstore-js computes them. */
export function intotoProposal(
  signer: TestSigner,
  payloadType: string,
  payload: string,
  keyid = '',
) {
  const sig = b64(signWith(signer, preAuthEncoding(payloadType, Buffer.from(payload))));
  const withKeyid = <T extends object>(o: T) => (keyid === '' ? o : { ...o, keyid });
  const hashed = {
    payloadType,
    payload: b64(payload),
    signatures: [withKeyid({ sig, publicKey: signer.pem })],
  };
  return {
    apiVersion: '0.0.2',
    kind: 'intoto',
    spec: {
      content: {
        envelope: {
          payloadType,
          payload: b64(b64(payload)),
          signatures: [withKeyid({ sig: b64(sig), publicKey: b64(signer.pem) })],
        },
        hash: { algorithm: 'sha256', value: sha256(canonicalJson(hashed)).toString('hex') },
        payloadHash: { algorithm: 'sha256', value: sha256(payload).toString('hex') },
      },
    },
  };
}

/** Returns the EntryError `fn` throws; fails the test if it throws nothing or something else. */
export function entryErrorOf(fn: () => unknown): EntryError {
  try {
    fn();
  } catch (error) {
    if (error instanceof EntryError) return error;
    throw error;
  }
  throw new Error('expected an EntryError, but nothing was thrown');
}

/**
 * A deep copy of `value` with the property at dotted `path` (array indices as numbers, e.g.
 * `spec.proposedContent.verifiers.0`) set to `replacement`, or deleted when it is `undefined`.
 */
export function withField(value: unknown, path: string, replacement: unknown): unknown {
  const copy = structuredClone(value);
  const keys = path.split('.');
  const last = keys.pop()!;
  let target = copy as Record<string, unknown>;
  for (const key of keys) target = target[key] as Record<string, unknown>;
  if (replacement === undefined) delete target[last];
  else target[last] = replacement;
  return copy;
}
