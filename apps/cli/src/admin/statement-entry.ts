/* Is a policy version's statement in the artifact log, signed by the policy key? One Rekor v1
   `dsse` entry checked against the trusted root: body, signature, SET and inclusion proof. */
import { createHash, type KeyObject } from 'node:crypto';
import type { TrustedRoot } from '@sigstore/protobuf-specs';
import { hashLeaf, verifyInclusion } from '@app/merkle';
import {
  fingerprintOf,
  parsePublicKey,
  POLICY_STATEMENT_PAYLOAD_TYPE,
  preAuthEncoding,
  verifyEntryTimestamp,
  verifySignature,
} from '@app/signing';
import { openSignedCheckpoint } from '../log/checkpoints';
import type { LogEntry } from '../log/log-api';

/** What a checked entry proves: when the log integrated the statement, and where. */
export interface StatementEntryProof {
  readonly uuid: string;
  readonly logIndex: number;
  /** Unix seconds, covered by the SET. */
  readonly integratedTime: number;
}

/** The policy statement a dsse body is about, as Rekor v1 stores it (payload hash only). */
export interface DsseBody {
  readonly payloadHash: string;
  readonly signatures: ReadonlyArray<{ signature: string; verifier: string }>;
}

/** The dsse v0.0.1 fields of a Rekor entry body (base64 JSON), or undefined for any other. */
export function readDsseBody(bodyBase64: string): DsseBody | undefined {
  try {
    const body = JSON.parse(Buffer.from(bodyBase64, 'base64').toString('utf8')) as {
      kind?: unknown;
      spec?: { payloadHash?: { algorithm?: unknown; value?: unknown }; signatures?: unknown };
    };
    const hash = body.spec?.payloadHash;
    const signatures = body.spec?.signatures;
    if (
      body.kind !== 'dsse' ||
      hash?.algorithm !== 'sha256' ||
      typeof hash.value !== 'string' ||
      !Array.isArray(signatures) ||
      !signatures.every(
        (s: { signature?: unknown; verifier?: unknown } | null) =>
          typeof s?.signature === 'string' && typeof s.verifier === 'string',
      )
    ) {
      return undefined;
    }
    return { payloadHash: hash.value, signatures: signatures as DsseBody['signatures'] };
  } catch {
    return undefined;
  }
}

/**
 * Checks that the log entry `uuid` → `entry` holds `statement` signed by `policyKey`: its UUID
 * ends with the leaf hash of its body; the body is a dsse entry whose payloadHash is SHA-256 of
 * `statement` and whose every signature is the policy key's, verifying over the DSSE PAE; its SET
 * verifies with the trusted root's log key named by `logID`; its inclusion proof verifies against
 * a checkpoint signed by a trusted log key. Returns the problems (empty: all hold) and, when the
 * SET verifies, the integration time it covers.
 */
export function checkStatementEntry(
  statement: Uint8Array,
  uuid: string,
  entry: LogEntry,
  policyKey: KeyObject,
  root: TrustedRoot,
): { problems: string[]; proof?: StatementEntryProof } {
  const problems: string[] = [];
  const leafHash = Buffer.from(hashLeaf(Buffer.from(entry.body, 'base64'))).toString('hex');
  if (!uuid.toLowerCase().endsWith(leafHash)) {
    problems.push(`log entry ${uuid} is not the entry whose body the log answered`);
  }
  const body = readDsseBody(entry.body);
  const payloadHash = createHash('sha256').update(statement).digest('hex');
  if (body === undefined) {
    problems.push(`log entry ${uuid} is not a dsse entry`);
  } else {
    if (body.payloadHash !== payloadHash) {
      problems.push(
        `log entry ${uuid} holds the payload ${body.payloadHash}, not this version's statement ${payloadHash}`,
      );
    }
    problems.push(...signatureProblems(body, statement, policyKey, uuid));
  }
  const setOk = setProblem(entry, root);
  if (setOk !== undefined) problems.push(`log entry ${uuid}: ${setOk}`);
  const inclusion = inclusionProblem(entry, root);
  if (inclusion !== undefined) problems.push(`log entry ${uuid}: ${inclusion}`);
  return {
    problems,
    ...(setOk === undefined
      ? { proof: { uuid, logIndex: entry.logIndex, integratedTime: entry.integratedTime } }
      : {}),
  };
}

function signatureProblems(
  body: DsseBody,
  statement: Uint8Array,
  policyKey: KeyObject,
  uuid: string,
): string[] {
  if (body.signatures.length === 0) return [`log entry ${uuid} has no signature`];
  const expected = fingerprintOf(policyKey);
  const pae = preAuthEncoding(POLICY_STATEMENT_PAYLOAD_TYPE, statement);
  return body.signatures.flatMap(({ signature, verifier }, i) => {
    let key: KeyObject;
    try {
      key = parsePublicKey(Buffer.from(verifier, 'base64').toString('utf8'));
    } catch {
      return [`log entry ${uuid}: signature ${i} names a verifier that is not a public key`];
    }
    if (fingerprintOf(key) !== expected) {
      return [
        `log entry ${uuid}: signature ${i} is by key ${fingerprintOf(key)}, not the policy key ${expected}`,
      ];
    }
    if (!verifySignature(policyKey, pae, Buffer.from(signature, 'base64'), 'sha256')) {
      return [`log entry ${uuid}: signature ${i} does not verify with the policy key`];
    }
    return [];
  });
}

/** Why the entry's SET does not verify with the trusted root's log keys, if it does not. */
function setProblem(entry: LogEntry, root: TrustedRoot): string | undefined {
  const set = entry.verification?.signedEntryTimestamp;
  if (set === undefined) return 'it has no signed entry timestamp';
  const key = root.tlogs
    .map((t) => t.publicKey?.rawBytes)
    .flatMap((raw) => {
      try {
        return raw === undefined ? [] : [parsePublicKey(raw)];
      } catch {
        return [];
      }
    })
    .find((k) => fingerprintOf(k) === entry.logID);
  if (key === undefined) return `its log ID ${entry.logID} is no log key of the trusted root`;
  try {
    verifyEntryTimestamp(key, entry, Buffer.from(set, 'base64'));
    return undefined;
  } catch (err) {
    return `its signed entry timestamp does not verify: ${(err as Error).message}`;
  }
}

/** Why the entry's inclusion proof or its checkpoint does not verify, if it does not. */
function inclusionProblem(entry: LogEntry, root: TrustedRoot): string | undefined {
  const proof = entry.verification?.inclusionProof;
  if (proof === undefined) return 'it has no inclusion proof';
  try {
    verifyInclusion(
      hashLeaf(Buffer.from(entry.body, 'base64')),
      BigInt(proof.logIndex),
      BigInt(proof.treeSize),
      proof.hashes.map((h) => Buffer.from(h, 'hex')),
      Buffer.from(proof.rootHash, 'hex'),
    );
    const checkpoint = openSignedCheckpoint(proof.checkpoint, root, 'its checkpoint');
    if (
      checkpoint.treeSize !== BigInt(proof.treeSize) ||
      Buffer.from(checkpoint.rootHash).toString('hex') !== proof.rootHash.toLowerCase()
    ) {
      return 'its checkpoint is for another tree size or root than its inclusion proof';
    }
    return undefined;
  } catch (err) {
    return `its inclusion proof does not verify: ${(err as Error).message}`;
  }
}
