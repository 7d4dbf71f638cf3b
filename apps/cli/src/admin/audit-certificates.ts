/* The certificates half of `signet admin audit`: every entry of the CT log, proven complete
   against its signed tree head, checked against the chain of policy versions. */
import type { TrustedRoot } from '@sigstore/protobuf-specs';
import { parseCertificate, type ParsedCertificate } from '@app/signing';
import type { CliContext } from '../cli/context';
import { CliError, ExitCode, verificationFailed } from '../cli/exit-codes';
import { requestJson } from '../cli/http';
import { checkCertificate, type VersionInForce } from './certificate-policy';
import {
  checkListingComplete,
  type CtCertificateEntry,
  decodeCtEntry,
  type GetEntriesItem,
  type GetSthResponse,
  verifiedTreeHead,
} from './ct-entries';

/** A certificate of the instance, tied to the policy version and rule it names. */
export interface AuditedCertificate {
  readonly index: string;
  readonly type: 'x509' | 'precert';
  readonly serial: string;
  readonly notBefore: string;
  readonly version?: number;
  readonly rule?: string;
  readonly ruleId?: string;
}

/** A problem with one entry of the CT log. */
export interface CertificateProblem {
  readonly serial: string | null;
  readonly index: string;
  readonly problem: string;
}

/** Entries asked for per get-entries call (the log may answer fewer). */
const PAGE = 256;

/**
 * Reads the CT log at `logUrl` whole: its signed tree head (checked with the trusted root's CT
 * keys; exit 1 if it does not verify or the entries do not make up its tree), then every entry,
 * checked with {@link checkCertificate} when a CA of the trusted root issued it.
 */
export async function auditCertificates(
  ctx: CliContext,
  logUrl: string,
  root: TrustedRoot,
  chain: ReadonlyMap<number, VersionInForce>,
): Promise<{
  treeSize: string;
  certificates: AuditedCertificate[];
  otherIssuers: number;
  problems: CertificateProblem[];
}> {
  const sth = await requestJson<GetSthResponse>(ctx, 'CT tree head', `${logUrl}/ct/v1/get-sth`);
  const head = trusted(() => verifiedTreeHead(sth, root));
  const items: GetEntriesItem[] = [];
  while (BigInt(items.length) < head.treeSize) {
    const start = items.length;
    const end = Math.min(start + PAGE, Number(head.treeSize)) - 1;
    const { entries } = await requestJson<{ entries: GetEntriesItem[] }>(
      ctx,
      'CT entries',
      `${logUrl}/ct/v1/get-entries?start=${start}&end=${end}`,
    );
    if (!Array.isArray(entries) || entries.length === 0 || entries.length > end - start + 1) {
      throw new CliError(ExitCode.error, `CT entries: the log answered no entries from ${start}`);
    }
    items.push(...entries);
  }
  trusted(() =>
    checkListingComplete(
      head,
      items.map((i) => Buffer.from(i.leaf_input, 'base64')),
    ),
  );
  const cas = instanceCas(root);
  const certificates: AuditedCertificate[] = [];
  const problems: CertificateProblem[] = [];
  let otherIssuers = 0;
  items.forEach((item, i) => {
    const index = String(i);
    let entry: CtCertificateEntry;
    let outcome: ReturnType<typeof checkCertificate>;
    try {
      entry = decodeCtEntry(
        BigInt(i),
        Buffer.from(item.leaf_input, 'base64'),
        Buffer.from(item.extra_data, 'base64'),
      );
      outcome = checkCertificate(entry.certificate, cas, chain);
    } catch (err) {
      problems.push({ serial: null, index, problem: (err as Error).message });
      return;
    }
    if (!outcome.issuedByInstance) {
      otherIssuers++;
      return;
    }
    const { serial, policy } = outcome;
    certificates.push({
      index,
      type: entry.type,
      serial,
      notBefore: outcome.notBefore.toISOString(),
      ...(policy === undefined
        ? {}
        : { version: policy.version, rule: policy.rule, ruleId: policy.ruleId }),
    });
    outcome.problems.forEach((problem) => problems.push({ serial, index, problem }));
  });
  return { treeSize: head.treeSize.toString(), certificates, otherIssuers, problems };
}

/** The CA certificates of the trusted root (every chain, every certificate). */
function instanceCas(root: TrustedRoot): ParsedCertificate[] {
  return root.certificateAuthorities.flatMap((ca) =>
    (ca.certChain?.certificates ?? []).flatMap((c) => {
      try {
        return [parseCertificate(c.rawBytes)];
      } catch {
        return [];
      }
    }),
  );
}

function trusted<T>(check: () => T): T {
  try {
    return check();
  } catch (err) {
    throw verificationFailed((err as Error).message, 'CT_LOG_ERROR', err);
  }
}
