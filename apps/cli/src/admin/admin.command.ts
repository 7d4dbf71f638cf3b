/* `signet admin …`: the administration of a Signet instance from the command line. */
import type { CliContext } from '../cli/context';
import { usageError } from '../cli/exit-codes';
import { adminAudit, adminAuditHelp } from './audit.command';
import { adminRules, adminRulesHelp } from './rules.command';
import { adminTokenCreate, adminTokenCreateHelp } from './token-create';

/** `signet admin …`; returns the exit code. */
export function admin(argv: string[], ctx: CliContext): Promise<number> {
  const [sub, ...rest] = argv;
  switch (sub) {
    case 'token':
      if (rest[0] === 'create') return adminTokenCreate(rest.slice(1), ctx);
      ctx.print(adminTokenCreateHelp.trimEnd());
      if (rest[0] === undefined || rest[0] === '--help' || rest[0] === '-h') {
        return Promise.resolve(0);
      }
      throw usageError(`unknown admin token command "${rest[0]}" (expected create)`);
    case 'audit':
      return adminAudit(rest, ctx);
    case 'rules':
      return adminRules(rest, ctx);
    case undefined:
    case '--help':
    case '-h':
      ctx.print(adminTokenCreateHelp.trimEnd());
      ctx.print(adminAuditHelp.trimEnd());
      ctx.print(adminRulesHelp.trimEnd());
      return Promise.resolve(0);
    default:
      throw usageError(`unknown admin command "${sub}" (expected token, audit or rules)`);
  }
}
