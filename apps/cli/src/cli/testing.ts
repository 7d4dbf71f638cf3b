/* Test helper: a CliContext that records what a command prints. */
import type { CliContext } from './context';

/** A context with `env` whose output lines are kept in `out` (stdout) and `err` (stderr). */
export function recordingContext(
  env: NodeJS.ProcessEnv = {},
  fetchImpl: typeof fetch = globalThis.fetch,
): CliContext & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    env,
    out,
    err,
    print: (line) => void out.push(line),
    status: (line) => void err.push(line),
    fetch: fetchImpl,
  };
}
