/* Policy versions in the artifact log: the CA logs each version as an in-toto statement signed
   by its policy key (a Rekor v1 `dsse` entry, which keeps only the payload's hash). The monitor
   rebuilds the statements of the versions it expects from their digests, in version order, and
   alerts on any other statement by the policy key, and on an expected one signed by another key. */
import { createHash, type KeyObject } from 'node:crypto';
import { fingerprintOf, policyStatementOf } from '@app/signing';
import type { ReadEntry } from './entry-material';

/** The policy key and the snapshot digests of the versions expected, version 1 first. */
export interface PolicyWatch {
  readonly key: KeyObject;
  readonly expected: readonly string[];
}

/** What one entry says about the policy. */
export type PolicyFinding =
  | { readonly status: 'expected'; readonly version: number; readonly digest: string }
  | {
      readonly status: 'unexpected' | 'wrong-key';
      readonly payloadHash: string;
      readonly version?: number;
      readonly digest?: string;
      readonly message: string;
    };

/** Statement payload hash (hex) → the version and digest it is the statement of. */
export type ExpectedStatements = ReadonlyMap<string, { version: number; digest: string }>;

/** The statements of `expected` (version i has digest `expected[i-1]` and names the one before). */
export function expectedStatements(expected: readonly string[]): ExpectedStatements {
  const out = new Map<string, { version: number; digest: string }>();
  expected.forEach((digest, i) => {
    const statement = policyStatementOf(i + 1, i === 0 ? null : expected[i - 1]!, digest);
    out.set(createHash('sha256').update(statement).digest('hex'), { version: i + 1, digest });
  });
  return out;
}

/**
 * What `entry` says about the policy, or undefined when it is no policy statement: neither
 * signed by the policy key nor the statement of an expected version. A statement by the policy
 * key that is not expected is `unexpected` (a version not in the list, or a chain that forked:
 * the log keeps only its hash, so which one needs the CA's history, `signet admin audit`).
 */
export function checkPolicyEntry(
  watch: PolicyWatch,
  statements: ExpectedStatements,
  entry: ReadEntry,
): PolicyFinding | undefined {
  if (entry.kind !== 'dsse' && entry.kind !== 'intoto') return undefined;
  const payloadHash = entry.digests[0]?.replace(/^sha256:/, '');
  if (payloadHash === undefined) return undefined;
  const policyFingerprint = fingerprintOf(watch.key);
  const signers = entry.publicKeys.map(fingerprintOf);
  const byPolicyKey = signers.includes(policyFingerprint);
  const known = statements.get(payloadHash);
  if (byPolicyKey && known !== undefined) return { status: 'expected', ...known };
  if (byPolicyKey) {
    return {
      status: 'unexpected',
      payloadHash,
      message: `a policy statement (payload ${payloadHash}) that is no expected version: a policy change not in the expected list`,
    };
  }
  if (known === undefined) return undefined;
  const by = signers[0] ?? (entry.certificates.length > 0 ? 'a certificate' : 'no key');
  return {
    status: 'wrong-key',
    payloadHash,
    ...known,
    message: `the statement of policy version ${known.version} signed by ${by}, not the policy key ${policyFingerprint}`,
  };
}
