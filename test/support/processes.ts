import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const repoRoot = join(__dirname, '../..');

export interface Spawned {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** Runs a built entry point (`dist/...`) with the given environment, capturing its output. */
export function spawnBuilt(script: string, env: NodeJS.ProcessEnv): Spawned {
  const child = spawn(process.execPath, [join(repoRoot, 'dist', script)], {
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

/** Polls `url` until it answers with `status`, or throws after `timeoutMs`. */
export async function waitFor(
  url: string,
  status: number,
  timeoutMs: number,
  spawned?: Spawned,
): Promise<Response> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await fetch(url).catch(() => undefined);
    if (res?.status === status) return res;
    if (Date.now() > deadline)
      throw new Error(
        `${url} did not answer ${status} in ${timeoutMs} ms\n${spawned?.output() ?? ''}`,
      );
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Lists running processes whose command line contains `needle` (from /proc). */
export function processesMatching(needle: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
      if (cmd.includes(needle)) found.push(`${pid}: ${cmd}`);
    } catch {
      // the process ended while we looked
    }
  }
  return found;
}

/** Lists running processes whose environment contains `entry` (e.g. `SIGNET_DATA_DIR=/tmp/x`). */
export function processesWithEnv(entry: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      if (readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(entry)) {
        found.push(`${pid}: ${readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ')}`);
      }
    } catch {
      // the process ended while we looked
    }
  }
  return found;
}

/** Waits until the process has printed `text`, or throws after `timeoutMs`. */
export async function waitForOutput(
  spawned: Spawned,
  text: string,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!spawned.output().includes(text)) {
    if (Date.now() > deadline)
      throw new Error(`no "${text}" within ${timeoutMs} ms:\n${spawned.output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
