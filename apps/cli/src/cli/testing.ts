/* Test helpers: a CliContext that records what a command prints, and the built CLI for
   end-to-end suites. */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
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

/** The built CLI (`npm run build`), from this source file's place in the repository. */
export const BUILT_CLI = join(__dirname, '../../../../dist/apps/cli/src/main.js');

/** What one run of the built CLI did. */
export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI with exactly `env` (plus PATH), in `cwd`, like a CI step. */
export function runBuiltCli(args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BUILT_CLI, ...args], {
      env: { PATH: process.env.PATH, ...env },
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
