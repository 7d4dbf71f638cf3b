/* The policy versions half of `signet admin audit`: the chain from the CA's admin API, each
   version's statement found and checked in the artifact log, and every statement the policy key
   ever logged accounted for. */
import { createHash, type KeyObject } from 'node:crypto';
import type { TrustedRoot } from '@sigstore/protobuf-specs';
import type { CliContext } from '../cli/context';
import { CliError, ExitCode } from '../cli/exit-codes';
import { getEntry, type LogEntry, searchIndex } from '../log/log-api';
import type { AdminApi, VersionLogRef } from './admin-api';
import { type ChainedVersion, checkChain, type VersionProblem } from './policy-chain';
import { checkStatementEntry, readDsseBody, type StatementEntryProof } from './statement-entry';

/** A version as the audit reports it. */
export interface AuditedVersion {
  readonly version: number;
  readonly digest: string;
  readonly rules: readonly unknown[] | undefined;
  /** The log entry that proves it, when one was found and its SET verified. */
  readonly log: StatementEntryProof | undefined;
}

/**
 * Reads every version from `api`, checks the chain, and checks each version's statement in the
 * log at `logUrl` (by the entry the CA recorded, else by a search for the statement's hash).
 * Then lists every entry the log indexes under the policy key: one whose payload is no version's
 * statement is a version missing from the CA's history (or a change that failed after it was
 * logged). Problems are returned, not thrown; only an unreachable CA or log throws.
 */
export async function auditVersions(
  ctx: CliContext,
  api: AdminApi,
  logUrl: string,
  policyKey: { key: KeyObject; pem: string },
  root: TrustedRoot,
): Promise<{ versions: AuditedVersion[]; problems: VersionProblem[] }> {
  const summaries = await api.versions();
  const details = [];
  for (const s of summaries) details.push(await api.version(s.version));
  const { versions: chained, problems } = checkChain(
    details.map((d) => ({
      version: d.version,
      digest: d.digest,
      previous: d.previous,
      snapshotBytes: Buffer.from(d.snapshotBytes, 'base64'),
    })),
  );
  const recorded = new Map(details.map((d) => [d.version, d.log]));
  const versions: AuditedVersion[] = [];
  const payloads = new Set<string>();
  const seen = new Set<string>();
  for (const v of chained) {
    const report = (problem: string) => problems.push({ version: v.version, problem });
    let log: StatementEntryProof | undefined;
    if (v.statement !== undefined) {
      payloads.add(sha256(v.statement));
      const found = await findEntry(ctx, logUrl, v, recorded.get(v.version) ?? null, report);
      if (found !== undefined) {
        seen.add(found.uuid);
        const checked = checkStatementEntry(
          v.statement,
          found.uuid,
          found.entry,
          policyKey.key,
          root,
        );
        checked.problems.forEach(report);
        log = checked.proof;
      }
    }
    versions.push({ version: v.version, digest: v.digest, rules: v.snapshot?.rules, log });
  }
  problems.push(...(await unaccountedStatements(ctx, logUrl, policyKey.pem, payloads, seen)));
  return { versions, problems };
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

async function findEntry(
  ctx: CliContext,
  logUrl: string,
  v: ChainedVersion,
  recorded: VersionLogRef | null,
  report: (problem: string) => void,
): Promise<{ uuid: string; entry: LogEntry } | undefined> {
  let uuid = recorded?.uuid;
  if (uuid === undefined) {
    const found = await searchIndex(ctx, logUrl, { hash: `sha256:${sha256(v.statement!)}` });
    uuid = found[0];
    if (uuid === undefined) {
      report('its statement is not in the transparency log (the CA records no log entry)');
      return undefined;
    }
    report(`the CA records no log entry, but the log holds its statement as ${uuid}`);
  }
  try {
    const answer = await getEntry(ctx, logUrl, { uuid });
    const entry = answer[uuid] ?? Object.values(answer)[0];
    if (entry === undefined) throw new CliError(ExitCode.error, 'the log answered no entry');
    return { uuid, entry };
  } catch (err) {
    if (!(err instanceof CliError) || err.exitCode === ExitCode.unavailable) throw err;
    report(`its log entry ${uuid} cannot be read: ${err.message}`);
    return undefined;
  }
}

async function unaccountedStatements(
  ctx: CliContext,
  logUrl: string,
  policyKeyPem: string,
  payloads: ReadonlySet<string>,
  seen: ReadonlySet<string>,
): Promise<VersionProblem[]> {
  // searchIndex's query type is string-valued; the log's `publicKey` query is an object.
  const query = {
    publicKey: { format: 'x509', content: Buffer.from(policyKeyPem).toString('base64') },
  } as unknown as Record<string, string>;
  const problems: VersionProblem[] = [];
  for (const uuid of await searchIndex(ctx, logUrl, query)) {
    if (seen.has(uuid)) continue;
    const entry = Object.values(await getEntry(ctx, logUrl, { uuid }))[0];
    const body = entry === undefined ? undefined : readDsseBody(entry.body);
    if (body !== undefined && payloads.has(body.payloadHash)) continue;
    problems.push({
      version: null,
      problem: `log entry ${uuid}${entry === undefined ? '' : ` (index ${entry.logIndex})`} is a statement by the policy key that is no version of the chain: a version missing from the CA's history, or a change that failed after it was logged`,
    });
  }
  return problems;
}
