/* `signet admin …`: the administration of a Signet instance from the command line. */
import type { CliContext } from '../cli/context';
import { usageError } from '../cli/exit-codes';
import { adminAudit, adminAuditHelp } from './audit.command';
import { adminRules, adminRulesHelp } from './rules.command';

/** `signet admin …`; returns the exit code. */
export function admin(argv: string[], ctx: CliContext): Promise<number> {
  const [sub, ...rest] = argv;
  switch (sub) {
    case 'audit':
      return adminAudit(rest, ctx);
    case 'rules':
      return adminRules(rest, ctx);
    case undefined:
    case '--help':
    case '-h':
      ctx.print(adminAuditHelp.trimEnd());
      ctx.print(adminRulesHelp.trimEnd());
      return Promise.resolve(0);
    default:
      throw usageError(`unknown admin command "${sub}" (expected audit or rules)`);
  }
}
