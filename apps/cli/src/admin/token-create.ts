import { randomUUID } from 'node:crypto';
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { ADMIN_ROLES, newApiToken, parseAdminDuration } from '@app/schema';
import type { CliContext } from '../cli/context';
import { usageError } from '../cli/exit-codes';
import { AdminTokensRepository } from './admin-tokens.repository';

export const adminTokenCreateHelp = `signet admin token create: the first admin API token (server, break-glass)

Usage:
  signet admin token create --role viewer|editor|owner --name NAME --expires DURATION

Run on the server, against the instance's database (DATABASE_URL): writes an admin API token
directly, with its audit row (actor: system, the operating-system user), for the first owner
before anyone can sign in, or when the IdP is lost. The token is printed once on stdout; only its
SHA-256 is stored. DURATION is like 1h, 12h or 7d, at most 90d. Use it as
\`Authorization: Bearer sgn_at_…\` on /api/admin/v1; revoke it with DELETE /api/admin/v1/tokens/ID.

Examples:
  signet admin token create --role owner --name bootstrap --expires 1h
`;

/** Longest lifetime of a break-glass token. */
const MAX_SECONDS = 90 * 86_400;

/** `signet admin token create`; returns the process exit code. */
export async function adminTokenCreate(argv: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      role: { type: 'string' },
      name: { type: 'string' },
      expires: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
    strict: true,
  });
  if (values.help === true) {
    ctx.print(adminTokenCreateHelp.trimEnd());
    return 0;
  }
  if (positionals.length > 0) throw usageError('signet admin token create takes no arguments');
  const role = ADMIN_ROLES.find((r) => r === values.role);
  if (role === undefined) throw usageError('--role must be viewer, editor or owner');
  const name = values.name?.trim();
  if (name === undefined || !/^[\p{L}\p{N} ._:/@-]{1,100}$/u.test(name)) {
    throw usageError('--name is required: 1 to 100 letters, digits, spaces or ._:/@-');
  }
  const seconds = values.expires === undefined ? undefined : parseAdminDuration(values.expires);
  if (seconds === undefined || seconds === 0 || seconds > MAX_SECONDS) {
    throw usageError('--expires is required: a duration such as 1h or 7d, at most 90d');
  }
  const url = ctx.env.DATABASE_URL;
  if (url === undefined || url === '') {
    throw usageError("DATABASE_URL is required: the command writes the instance's database");
  }
  const user = userInfo().username;
  const minted = newApiToken();
  const id = randomUUID();
  const expiresAt = new Date(Date.now() + seconds * 1000);
  const actor = {
    issuer: 'urn:signet:cli',
    subject: user,
    display: `${user} (signet admin token create)`,
  };
  const repo = await AdminTokensRepository.open(url);
  try {
    await repo.create(
      { id, name, role, sha256: minted.sha256, last4: minted.last4, createdBy: actor, expiresAt },
      {
        at: new Date(),
        requestId: null,
        action: 'token.create',
        outcome: 'success',
        actorKind: 'system',
        actorIssuer: actor.issuer,
        actorSubject: actor.subject,
        actorDisplay: actor.display,
        actorRole: null,
        tokenId: null,
        target: id,
        httpStatus: null,
        reason: 'break-glass: signet admin token create',
        policyVersionBefore: null,
        policyVersionAfter: null,
        details: { name, role, expiresAt: expiresAt.toISOString() },
        clientAddress: null,
        userAgent: null,
      },
    );
  } finally {
    await repo.close();
  }
  ctx.status(
    `created ${role} token ${id} "${name}", expires ${expiresAt.toISOString()}; shown once:`,
  );
  ctx.print(minted.token);
  return 0;
}
