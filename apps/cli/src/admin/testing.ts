/* Test helpers for `signet admin audit`: synthetic policy chains, log entries and trusted roots,
   built with the same lib functions the CA and the log use. */
import { createHash, type KeyObject } from 'node:crypto';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { hashLeaf, MemoryTree } from '@app/merkle';
import {
  canonicalJsonBytes,
  fingerprintOf,
  generateKeyPair,
  KeyObjectSigner,
  policyDigest,
  type PolicySnapshot,
  policySnapshotBytes,
  POLICY_STATEMENT_PAYLOAD_TYPE,
  preAuthEncoding,
  publicKeyToDer,
  signCheckpoint,
  signEntryTimestamp,
} from '@app/signing';
import type { LogEntry } from '../log/log-api';
import type { StoredVersion } from './policy-chain';

export const LOG_URL = 'http://127.0.0.1:3000';
export const ISSUER = 'https://accounts.example.com';

/** A rule as a snapshot holds it. */
export const aliceRule = {
  id: 'rule-alice',
  name: 'alice',
  issuer: ISSUER,
  subject: 'dev@example.com',
  claims: {},
};

/** Snapshot `version` of a chain, whose previous digest is `previous`. */
export function snapshotOf(
  version: number,
  previous: string | null,
  rules: readonly object[] = [aliceRule],
): PolicySnapshot {
  return {
    version,
    previous,
    createdAt: new Date(Date.UTC(2026, 0, 1, 0, version)).toISOString(),
    actor: { kind: 'file' },
    reason: `version ${version}`,
    issuers: [{ url: ISSUER, audience: 'sigstore', type: 'email' }],
    rules: rules as PolicySnapshot['rules'],
    limits: { defaultLifetimeSeconds: 600, maxLifetimeSeconds: 3600 },
  };
}

/** Versions 1..n as the admin API serves them, correctly chained. */
export function storedChain(n: number): StoredVersion[] {
  const out: StoredVersion[] = [];
  let previous: string | null = null;
  for (let v = 1; v <= n; v++) {
    const snapshotBytes = policySnapshotBytes(snapshotOf(v, previous));
    const digest = policyDigest(snapshotBytes);
    out.push({ version: v, digest, previous, snapshotBytes });
    previous = digest;
  }
  return out;
}

/** The log's key, the policy key, and a trusted root listing the log (and CT log) keys. */
export interface TestLog {
  readonly logSigner: KeyObjectSigner;
  readonly policySigner: KeyObjectSigner;
  readonly root: TrustedRoot;
  /** A Rekor v1 entry logging `statement` signed by `signer` (default: the policy key). */
  entry(
    statement: Uint8Array,
    options?: { signer?: KeyObjectSigner; integratedTime?: number },
  ): Promise<{ uuid: string; entry: LogEntry }>;
}

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

/** A trusted root for `tlogKey`, `ctKey` and the CA certificates `cas` (DER). */
export function trustedRootOf(
  tlogKey: KeyObject,
  ctKey: KeyObject = tlogKey,
  cas: readonly Uint8Array[] = [],
): TrustedRoot {
  const log = (key: KeyObject, baseUrl: string) => ({
    baseUrl,
    hashAlgorithm: 'SHA2_256',
    publicKey: {
      rawBytes: b64(publicKeyToDer(key)),
      keyDetails: 'PKIX_ECDSA_P256_SHA_256',
      validFor: { start: '2020-01-01T00:00:00Z' },
    },
    logId: { keyId: b64(createHash('sha256').update(publicKeyToDer(key)).digest()) },
  });
  return TrustedRoot.fromJSON({
    mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    tlogs: [log(tlogKey, LOG_URL)],
    ctlogs: [log(ctKey, `${LOG_URL}/ct`)],
    certificateAuthorities: [
      {
        subject: { organization: 'Signet', commonName: 'test' },
        uri: 'http://127.0.0.1:5555',
        certChain: { certificates: cas.map((der) => ({ rawBytes: b64(der) })) },
        validFor: { start: '2020-01-01T00:00:00Z' },
      },
    ],
    timestampAuthorities: [],
  });
}

/** A test log whose entries are real Rekor v1 dsse entries with SETs and inclusion proofs. */
export function testLog(cas: readonly Uint8Array[] = []): TestLog {
  const logSigner = new KeyObjectSigner(generateKeyPair('ecdsa-p256-sha256').privateKey);
  const policySigner = new KeyObjectSigner(generateKeyPair('ecdsa-p256-sha256').privateKey);
  const tree = new MemoryTree();
  tree.append(hashLeaf(Buffer.from('an unrelated entry')));
  return {
    logSigner,
    policySigner,
    root: trustedRootOf(logSigner.publicKey, logSigner.publicKey, cas),
    async entry(statement, { signer = policySigner, integratedTime = 1_767_225_600 } = {}) {
      const signature = await signer.sign(
        preAuthEncoding(POLICY_STATEMENT_PAYLOAD_TYPE, statement),
      );
      const verifier = b64(
        Buffer.from(signer.publicKey.export({ type: 'spki', format: 'pem' }).toString()),
      );
      const body = b64(
        canonicalJsonBytes({
          apiVersion: '0.0.1',
          kind: 'dsse',
          spec: {
            envelopeHash: { algorithm: 'sha256', value: '0'.repeat(64) },
            payloadHash: {
              algorithm: 'sha256',
              value: createHash('sha256').update(statement).digest('hex'),
            },
            signatures: [{ signature: b64(signature), verifier }],
          },
        }),
      );
      const leafHash = hashLeaf(Buffer.from(body, 'base64'));
      const leafIndex = tree.size;
      tree.append(leafHash);
      const treeSize = tree.size;
      const logID = fingerprintOf(logSigner.publicKey);
      const set = await signEntryTimestamp(logSigner, {
        body,
        integratedTime,
        logID,
        logIndex: leafIndex,
      });
      const checkpoint = await signCheckpoint(logSigner, '127.0.0.1:3000', {
        origin: '127.0.0.1:3000 - 1',
        treeSize,
        rootHash: tree.rootHash(treeSize),
      });
      const entry: LogEntry = {
        body,
        integratedTime,
        logID,
        logIndex: Number(leafIndex),
        verification: {
          signedEntryTimestamp: b64(set),
          inclusionProof: {
            logIndex: Number(leafIndex),
            treeSize: Number(treeSize),
            rootHash: hex(tree.rootHash(treeSize)),
            hashes: tree.inclusionProof(leafIndex, treeSize).map(hex),
            checkpoint,
          },
        },
      };
      return { uuid: `${'0'.repeat(15)}1${hex(leafHash)}`, entry };
    },
  };
}
