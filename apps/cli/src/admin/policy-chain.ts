/* The chain of policy versions, as the CA stores them, checked without trusting the CA: each
   snapshot must hash to its digest and name the previous version's digest, from version 1 on. */
import {
  canonicalJsonBytes,
  type JsonValue,
  policyDigest,
  type PolicySnapshot,
  policyStatementBytes,
} from '@app/signing';

/** One version as the admin API serves it (`GET /api/admin/v1/policy/versions/{v}`). */
export interface StoredVersion {
  readonly version: number;
  /** What the CA says the snapshot's SHA-256 is, hex. */
  readonly digest: string;
  readonly previous: string | null;
  /** The exact JCS bytes the CA hashed and logged. */
  readonly snapshotBytes: Uint8Array;
}

/** A version of the chain with what the logs are asked about it. */
export interface ChainedVersion {
  readonly version: number;
  /** SHA-256 of the snapshot bytes as served (the stored digest may differ: a problem). */
  readonly digest: string;
  /** Undefined when the bytes are not a snapshot of this version. */
  readonly snapshot: PolicySnapshot | undefined;
  /** The in-toto statement the CA logged for these bytes: what the log must hold. */
  readonly statement: Uint8Array | undefined;
}

/** Something wrong with one version (null: with the chain as a whole). */
export interface VersionProblem {
  readonly version: number | null;
  readonly problem: string;
}

/**
 * Checks `stored` (any order) as a chain 1..N: versions contiguous from 1 and unique, each
 * snapshot's bytes hashing to its digest, being canonical JSON (JCS) of a snapshot of that
 * version, and naming as `previous` the digest of the version before it (null for version 1).
 * Returns every version with its statement, and every problem found; never throws.
 */
export function checkChain(stored: readonly StoredVersion[]): {
  versions: ChainedVersion[];
  problems: VersionProblem[];
} {
  const problems: VersionProblem[] = [];
  const byVersion = new Map<number, StoredVersion>();
  for (const s of stored) {
    if (byVersion.has(s.version)) {
      problems.push({ version: s.version, problem: 'served twice, with different content' });
    }
    byVersion.set(s.version, s);
  }
  const head = Math.max(0, ...byVersion.keys());
  if (head === 0) problems.push({ version: null, problem: 'the CA serves no policy version' });
  const versions: ChainedVersion[] = [];
  for (let v = 1; v <= head; v++) {
    const s = byVersion.get(v);
    if (s === undefined) {
      problems.push({
        version: v,
        problem: `missing from the chain (the head is version ${head})`,
      });
      continue;
    }
    const report = (problem: string) => problems.push({ version: v, problem });
    const digest = policyDigest(s.snapshotBytes);
    if (digest !== s.digest) {
      report(`its snapshot hashes to ${digest}, not to its digest ${s.digest}: it was altered`);
    }
    const prior = byVersion.get(v - 1);
    const expectedPrevious = v === 1 ? null : (prior?.digest ?? undefined);
    if (expectedPrevious !== undefined && s.previous !== expectedPrevious) {
      report(
        `its previous digest ${s.previous ?? 'null'} is not ${v === 1 ? 'null' : `version ${v - 1}'s digest ${expectedPrevious}`}: the history forks`,
      );
    }
    const snapshot = readSnapshot(s, report);
    versions.push({
      version: v,
      digest,
      snapshot,
      statement: snapshot === undefined ? undefined : policyStatementBytes(snapshot, digest),
    });
  }
  return { versions, problems };
}

/** The snapshot in `s`'s bytes, when they are the JCS of a snapshot of `s` itself. */
function readSnapshot(
  s: StoredVersion,
  report: (problem: string) => void,
): PolicySnapshot | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(s.snapshotBytes).toString('utf8'));
  } catch {
    report('its snapshot is not JSON');
    return undefined;
  }
  const snapshot = parsed as Partial<PolicySnapshot> | null;
  if (
    typeof snapshot !== 'object' ||
    snapshot === null ||
    Array.isArray(snapshot) ||
    !Array.isArray(snapshot.rules) ||
    !Array.isArray(snapshot.issuers)
  ) {
    report('its snapshot is not a policy snapshot (no rules and issuers)');
    return undefined;
  }
  if (!Buffer.from(canonicalJsonBytes(parsed as JsonValue)).equals(s.snapshotBytes)) {
    report('its snapshot is not canonical JSON (RFC 8785), so its digest is not well defined');
  }
  if (snapshot.version !== s.version) {
    report(`its snapshot names version ${String(snapshot.version)}`);
    return undefined;
  }
  if (snapshot.previous !== s.previous) {
    report(
      `its snapshot names the previous digest ${String(snapshot.previous)}, not ${s.previous}`,
    );
  }
  return snapshot as PolicySnapshot;
}
