/* Material for transparency-log tests: a test CA trusted by the log, Fulcio-style leaf
   certificates, signed hashedrekord entries, and sigstore-js's own tlog verifiers. */
import { createHash, type KeyObject, sign } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TransparencyLogEntry, TrustedRoot } from '@sigstore/protobuf-specs';
import { type TrustMaterial, toTrustMaterial } from '@sigstore/verify';
import { verifyTLogInclusion } from '@sigstore/verify/dist/tlog';
import { verifyTLogSET } from '@sigstore/verify/dist/tlog/set';
import {
  buildLeaf,
  certificatesToPem,
  generateKeyPair,
  logIdOf,
  preAuthEncoding,
  publicKeyToDer,
} from '@app/signing';
import { testLeafRequest, testPki, type TestPki } from '../../libs/signing/src/x509/testing';
import type { LogEntryBody } from '../../apps/transparency-log/src/personalities/rekor-v1/log-entry.view';
import { makeTempDir, removeTempDir } from './temp-dir';

export interface LogFixture {
  pki: TestPki;
  dir: string;
  /** Environment for a log app trusting `pki` (SIGNET_CONFIG, SIGNET_DATA_DIR, LOG_PUBLIC_URL). */
  env: Record<string, string>;
  /** Removes `dir`. */
  close(): void;
}

export const LOG_URL = 'http://127.0.0.1:3000';

/** A fresh test CA, written to a config file that the log trusts, plus an allowed bare key. */
export async function logFixture(allowedKeyPem?: string): Promise<LogFixture> {
  const pki = await testPki();
  const dir = makeTempDir('log');
  writeFileSync(join(dir, 'ca.pem'), certificatesToPem([pki.root, pki.intermediate]));
  const keys = allowedKeyPem === undefined ? '' : '  allowedPublicKeys: [allowed-key.pem]\n';
  if (allowedKeyPem !== undefined) writeFileSync(join(dir, 'allowed-key.pem'), allowedKeyPem);
  writeFileSync(join(dir, 'signet.yaml'), `log:\n  trustedCertificates: [ca.pem]\n${keys}`);
  return {
    pki,
    dir,
    env: {
      SIGNET_CONFIG: join(dir, 'signet.yaml'),
      SIGNET_DATA_DIR: join(dir, 'data'),
      LOG_PUBLIC_URL: LOG_URL,
    },
    close: () => removeTempDir(dir),
  };
}

export interface Signed {
  /** The proposed entry as sigstore-js sends it. */
  proposed: Record<string, unknown>;
  certificatePem: string;
  privateKey: KeyObject;
  digest: Buffer;
  signature: Buffer;
}

/** A leaf certificate for `email` from `pki` and a hashedrekord entry signing `artifact` with it. */
export async function signedHashedRekord(
  pki: TestPki,
  artifact: Buffer,
  email = 'dev@example.com',
): Promise<Signed> {
  const { privateKey, publicKey } = generateKeyPair('ecdsa-p256-sha256');
  const leaf = buildLeaf(
    testLeafRequest(pki, new Date(Date.now() - 60_000), {
      subjectPublicKey: publicKey,
      subjectAltName: { type: 'email', value: email },
    }),
  );
  const certificatePem = certificatesToPem([await leaf.certificate()]);
  const digest = createHash('sha256').update(artifact).digest();
  const signature = sign('sha256', artifact, { key: privateKey, dsaEncoding: 'der' });
  return {
    proposed: hashedRekord(digest, signature, certificatePem),
    certificatePem,
    privateKey,
    digest,
    signature,
  };
}

export function hashedRekord(
  digest: Buffer,
  signature: Buffer,
  pem: string,
): Record<string, unknown> {
  return {
    apiVersion: '0.0.1',
    kind: 'hashedrekord',
    spec: {
      data: { hash: { algorithm: 'sha256', value: digest.toString('hex') } },
      signature: {
        content: signature.toString('base64'),
        publicKey: { content: Buffer.from(pem).toString('base64') },
      },
    },
  };
}

/** sigstore-js's trust material naming our log key as its one transparency log or CT log. */
export function sigstoreLogs<K extends 'tlogs' | 'ctlogs'>(
  kind: K,
  logPublicKey: KeyObject,
): TrustMaterial[K] {
  const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');
  const log = {
    baseUrl: LOG_URL,
    hashAlgorithm: 'SHA2_256',
    publicKey: {
      rawBytes: b64(publicKeyToDer(logPublicKey)),
      keyDetails: 'PKIX_ECDSA_P256_SHA_256',
      validFor: { start: '2020-01-01T00:00:00Z' },
    },
    logId: { keyId: b64(logIdOf(logPublicKey)) },
  };
  return toTrustMaterial(
    TrustedRoot.fromJSON({
      mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
      tlogs: kind === 'tlogs' ? [log] : [],
      certificateAuthorities: [],
      ctlogs: kind === 'ctlogs' ? [log] : [],
      timestampAuthorities: [],
    }),
  )[kind];
}

/** Converts a Rekor v1 answer as @sigstore/sign does, then runs @sigstore/verify's SET and inclusion checks. */
export function verifyWithSigstore(entry: LogEntryBody, logPublicKey: KeyObject): void {
  const body = JSON.parse(Buffer.from(entry.body, 'base64').toString()) as {
    kind: string;
    apiVersion: string;
  };
  const p = entry.verification.inclusionProof;
  const tlogEntry = TransparencyLogEntry.fromJSON({
    logIndex: String(entry.logIndex),
    logId: { keyId: Buffer.from(entry.logID, 'hex').toString('base64') },
    kindVersion: { kind: body.kind, version: body.apiVersion },
    integratedTime: String(entry.integratedTime),
    inclusionPromise: { signedEntryTimestamp: entry.verification.signedEntryTimestamp },
    inclusionProof: {
      logIndex: String(p.logIndex),
      treeSize: String(p.treeSize),
      rootHash: Buffer.from(p.rootHash, 'hex').toString('base64'),
      hashes: p.hashes.map((h) => Buffer.from(h, 'hex').toString('base64')),
      checkpoint: { envelope: p.checkpoint },
    },
    canonicalizedBody: entry.body,
  }) as never;
  const tlogs = sigstoreLogs('tlogs', logPublicKey);
  verifyTLogSET(tlogEntry, tlogs);
  verifyTLogInclusion(tlogEntry, tlogs);
}

/** A Fulcio-style leaf certificate and its private key, for signing many entries with one key. */
export interface Leaf {
  certificatePem: string;
  privateKey: KeyObject;
}

/** Issues one P-256 leaf certificate for `email` from `pki`, valid from a minute ago for ten minutes. */
export async function leafCertificate(pki: TestPki, email = 'dev@example.com'): Promise<Leaf> {
  const { privateKey, publicKey } = generateKeyPair('ecdsa-p256-sha256');
  const leaf = buildLeaf(
    testLeafRequest(pki, new Date(Date.now() - 60_000), {
      subjectPublicKey: publicKey,
      subjectAltName: { type: 'email', value: email },
    }),
  );
  return { certificatePem: certificatesToPem([await leaf.certificate()]), privateKey };
}

/** A hashedrekord entry signing `artifact` with an existing leaf (no new certificate: ~0.1 ms). */
export function signedHashedRekordWith(leaf: Leaf, artifact: Buffer): Signed {
  const digest = createHash('sha256').update(artifact).digest();
  const signature = sign('sha256', artifact, { key: leaf.privateKey, dsaEncoding: 'der' });
  return {
    proposed: hashedRekord(digest, signature, leaf.certificatePem),
    certificatePem: leaf.certificatePem,
    privateKey: leaf.privateKey,
    digest,
    signature,
  };
}

/** A DSSE signature (ECDSA P-256, SHA-256, DER) over the pre-authentication encoding. */
export function dsseSignature(leaf: Leaf, payloadType: string, payload: Buffer): Buffer {
  return sign('sha256', preAuthEncoding(payloadType, payload), {
    key: leaf.privateKey,
    dsaEncoding: 'der',
  });
}

/**
 * Logs `artifact` in the Rekor v2 log at `logV2Url` as a hashedrekord v0.0.2 signed by the bare
 * P-256 key `privateKey` (its SPKI DER `publicKeyDer`, a key the log accepts); the answer is the
 * caller's to check.
 */
export function postHashedRekordV2(
  logV2Url: string,
  artifact: Buffer,
  privateKey: KeyObject,
  publicKeyDer: Buffer,
): Promise<Response> {
  return fetch(`${logV2Url}/api/v2/log/entries`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      hashedRekordRequestV002: {
        digest: createHash('sha256').update(artifact).digest('base64'),
        signature: {
          content: sign('sha256', artifact, privateKey).toString('base64'),
          verifier: {
            publicKey: { rawBytes: publicKeyDer.toString('base64') },
            keyDetails: 'PKIX_ECDSA_P256_SHA_256',
          },
        },
      },
    }),
  });
}
