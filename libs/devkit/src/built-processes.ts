/* The built entry points (dist/…) as child processes, and the processes a run leaves behind: for
   the end-to-end tests and `npm run demo`. */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The repository root: the nearest directory above this file (in libs/ or dist/libs/) with a package.json. */
export const repoRoot = ((from: string): string => {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
})(__dirname);

/** The path of a built entry point, e.g. `builtScript('apps/cli/src/main.js')`. */
export const builtScript = (script: string): string => join(repoRoot, 'dist', script);

/** A running built entry point, with its stdout and stderr captured together. */
export interface Spawned {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** Starts `node dist/<script>` in the repository root with exactly `env` (plus PATH). */
export function spawnBuilt(script: string, env: NodeJS.ProcessEnv): Spawned {
  const child = spawn(process.execPath, [builtScript(script)], {
    env: { PATH: process.env.PATH, ...env },
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

/** Waits until the process has printed `text`; throws if it exits first or after `timeoutMs`. */
export async function waitForOutput(
  spawned: Spawned,
  text: string,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!spawned.output().includes(text)) {
    const { exitCode } = spawned.child;
    if (exitCode !== null)
      throw new Error(`exited (${exitCode}) before printing "${text}":\n${spawned.output()}`);
    if (Date.now() > deadline)
      throw new Error(`no "${text}" within ${timeoutMs} ms:\n${spawned.output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Sends `signal` (SIGINT, as Ctrl-C does) and waits for the exit; SIGKILL after `graceMs`. */
export async function stopSpawned(
  spawned: Spawned,
  signal: NodeJS.Signals = 'SIGINT',
  graceMs = 20_000,
): Promise<void> {
  const { child } = spawned;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  child.kill(signal);
  await spawned.exited;
  clearTimeout(timer);
}

/** What one run of a built command did. */
export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node dist/<script> ...args` to its end with exactly `env` (plus PATH), in `cwd`. */
export function runBuilt(
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  cwd: string,
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [builtScript(script), ...args], {
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

/** A process found in /proc. */
export interface RunningProcess {
  pid: number;
  /** The command line, arguments separated by spaces. */
  cmdline: string;
}

/**
 * The other running processes whose environment holds `match.env` (e.g. `SIGNET_DATA_DIR=/tmp/x`)
 * or whose command line contains `match.cmdline`. Read from /proc; empty where there is none.
 */
export function findProcesses(match: { env?: string; cmdline?: string }): RunningProcess[] {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p) && p !== String(process.pid));
  } catch {
    return [];
  }
  return pids.flatMap((pid) => {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
      const found =
        (match.cmdline !== undefined && cmdline.includes(match.cmdline)) ||
        (match.env !== undefined &&
          readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(match.env));
      return found ? [{ pid: Number(pid), cmdline }] : [];
    } catch {
      return []; // gone, or not ours to read
    }
  });
}
