/* Options and trusted root shared by the `signet log` subcommands. */
import type { CliContext } from '../cli/context';
import { CliError, ExitCode, verificationFailed } from '../cli/exit-codes';
import { commonOptions, instanceOptions, type Instance } from '../cli/options';
import { loadTrustedRoot, type LoadedTrustedRoot } from '../trust/trusted-root';

/** Options of every `signet log` subcommand. */
export const logOptions = {
  ...commonOptions,
  ...instanceOptions,
  'trusted-root': { type: 'string' },
  'no-verify': { type: 'boolean' },
} as const;

/**
 * The trusted root for checking checkpoints. When it cannot be had, the command fails (exit 1:
 * nothing it would print is checked), unless `noVerify` (`--no-verify`): then undefined, with a
 * warning, since reading the log does not need the CA, only checking its signatures does.
 */
export async function optionalTrustedRoot(
  ctx: CliContext,
  instance: Instance,
  file: string | undefined,
  noVerify = false,
): Promise<LoadedTrustedRoot | undefined> {
  try {
    return await loadTrustedRoot(ctx, instance.caUrl, file, instance.tufRoot);
  } catch (err) {
    // A root that differs from the cached one is an attack until shown otherwise, not an outage.
    if (err instanceof CliError && err.exitCode === ExitCode.verificationFailed) throw err;
    const why = (err as Error).message;
    if (!noVerify) {
      throw verificationFailed(
        `checkpoint signatures cannot be checked (${why}); pass --trusted-root FILE, or --no-verify to read the log unchecked`,
        'TRUSTED_ROOT_ERROR',
        err,
      );
    }
    ctx.status(`warning: --no-verify: checkpoint signatures not checked: ${why}`);
    return undefined;
  }
}
