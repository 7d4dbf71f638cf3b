import { parseArgs } from 'node:util';
import { describeCertificate, parseCertificate } from '@app/signing';
import type { CliContext } from '../cli/context';
import { CliError, ExitCode, usageError } from '../cli/exit-codes';
import { CaCertificatesRepository } from './ca-certificates.repository';

export const caDistrustHelp = `signet ca list | distrust: the CA certificates the log trusts

Usage:
  signet ca list [--json]
  signet ca distrust SHA256 --reason TEXT

Run on the server, against the instance's database (DATABASE_URL; to distrust, the schema
owner's role, which runs the migrations). \`list\` prints every CA certificate the CA recorded:
its SHA-256, subject, expiry, and whether it is distrusted. \`distrust\` stops the transparency
log from trusting SHA256 (a development CA, a retired or compromised one): within seconds, every
log process refuses entries whose certificate chains through it (403) and CT submissions through
it (400). Entries already logged stay as they are. A distrust cannot be undone.

Examples:
  signet ca list
  signet ca distrust 3f2a…e1 --reason "development CA, replaced by the production chain"
`;

const FINGERPRINT = /^[0-9a-f]{64}$/;

/** `signet ca list` and `signet ca distrust`; returns the process exit code. */
export async function caCertificates(
  sub: 'list' | 'distrust',
  argv: string[],
  ctx: CliContext,
): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      reason: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
    strict: true,
  });
  if (values.help === true) {
    ctx.print(caDistrustHelp.trimEnd());
    return 0;
  }
  const url = ctx.env.DATABASE_URL;
  if (url === undefined || url === '') {
    throw usageError(`DATABASE_URL is required: signet ca ${sub} works on the instance's database`);
  }
  if (sub === 'distrust') {
    const fingerprint = positionals[0]?.toLowerCase();
    if (positionals.length !== 1 || fingerprint === undefined || !FINGERPRINT.test(fingerprint)) {
      throw usageError('signet ca distrust takes one SHA256: 64 hexadecimal characters');
    }
    const reason = values.reason?.trim();
    if (reason === undefined || reason === '') throw usageError('--reason TEXT is required');
    const repo = await CaCertificatesRepository.open(url);
    try {
      const outcome = await repo.distrust(fingerprint, reason);
      if (outcome === 'unknown') {
        throw new CliError(
          ExitCode.error,
          `no CA certificate with SHA-256 ${fingerprint} was recorded (see signet ca list)`,
        );
      }
      ctx.status(
        outcome === 'already'
          ? `${fingerprint} was already distrusted`
          : `distrusted ${fingerprint}: the log refuses chains through it from now on`,
      );
      return 0;
    } finally {
      await repo.close();
    }
  }
  if (positionals.length > 0) throw usageError('signet ca list takes no arguments');
  const repo = await CaCertificatesRepository.open(url);
  try {
    const listed = await repo.list();
    const rows = listed.map((c) => ({
      sha256: c.fingerprint,
      certificate: describeCertificate(parseCertificate(new Uint8Array(c.der))),
      root: c.isRoot,
      notAfter: c.notAfter.toISOString(),
      distrusted: c.distrust && { reason: c.distrust.reason, at: c.distrust.at.toISOString() },
    }));
    if (values.json === true) ctx.print(JSON.stringify(rows));
    else {
      for (const r of rows) {
        const state = r.distrusted ? `DISTRUSTED (${r.distrusted.reason})` : 'trusted';
        ctx.print(
          `${r.sha256}  ${state}  ${r.root ? 'root' : 'intermediate'}  until ${r.notAfter}  ${r.certificate}`,
        );
      }
    }
    return 0;
  } finally {
    await repo.close();
  }
}
