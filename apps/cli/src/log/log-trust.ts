/* Options and trusted root shared by the `signet log` subcommands. */
import type { CliContext } from '../cli/context';
import { CliError, ExitCode } from '../cli/exit-codes';
import { commonOptions, instanceOptions, type Instance } from '../cli/options';
import { loadTrustedRoot, type LoadedTrustedRoot } from '../trust/trusted-root';

/** Options of every `signet log` subcommand. */
export const logOptions = {
  ...commonOptions,
  ...instanceOptions,
  'trusted-root': { type: 'string' },
} as const;

/**
 * The trusted root for checking checkpoints, or undefined (with a warning) when it cannot be
 * had: reading the log does not need the CA, only checking its signatures does.
 */
export async function optionalTrustedRoot(
  ctx: CliContext,
  instance: Instance,
  file: string | undefined,
): Promise<LoadedTrustedRoot | undefined> {
  try {
    return await loadTrustedRoot(ctx, instance.caUrl, file);
  } catch (err) {
    // A root that differs from the cached one is an attack until shown otherwise, not an outage.
    if (err instanceof CliError && err.exitCode === ExitCode.verificationFailed) throw err;
    ctx.status(`warning: checkpoint signatures not checked: ${(err as Error).message}`);
    return undefined;
  }
}
