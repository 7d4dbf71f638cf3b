/* The built `signet` command, for tests outside apps/cli: apps never import each other's code,
   so a CA test that needs what an operator makes with the CLI runs the CLI as an operator does. */
import { runBuilt } from './processes';

/** Runs `signet ...args` (from dist/, so after `npm run build`) in `cwd`; throws unless it exits 0. */
export async function signet(args: string[], cwd = process.cwd()): Promise<string> {
  const run = await runBuilt('apps/cli/src/main.js', args, {}, cwd);
  if (run.code !== 0)
    throw new Error(`signet ${args.join(' ')} exited ${run.code}:\n${run.stderr}${run.stdout}`);
  return run.stdout;
}
