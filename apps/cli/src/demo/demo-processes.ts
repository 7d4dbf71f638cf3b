/* Process plumbing for `npm run demo`: free ports, the stack as a child, the built CLI. */
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

/** The repository root, from dist/apps/cli/src/demo/. */
export const repoRoot = join(__dirname, '../../../../..');

/** A port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** A running `npm start` stack (dist/apps/stack/src/main.js). */
export interface StackProcess {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

/** Starts the stack with `env` and waits until it says it is ready. */
export async function startStackProcess(
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
): Promise<StackProcess> {
  const child = spawn(process.execPath, [join(repoRoot, 'dist/apps/stack/src/main.js')], {
    env,
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const stack = { child, output: () => out, exited };
  const deadline = Date.now() + timeoutMs;
  while (!out.includes('ready; press Ctrl-C to stop')) {
    if (child.exitCode !== null) throw new Error(`the stack exited (${child.exitCode}):\n${out}`);
    if (Date.now() > deadline)
      throw new Error(`the stack was not ready in ${timeoutMs} ms:\n${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return stack;
}

/** Stops the stack as Ctrl-C does (SIGINT) and waits for it; SIGKILL after `graceMs`. */
export async function stopStackProcess(stack: StackProcess, graceMs = 20_000): Promise<void> {
  if (stack.child.exitCode !== null || stack.child.signalCode !== null) return;
  const timer = setTimeout(() => stack.child.kill('SIGKILL'), graceMs);
  stack.child.kill('SIGINT');
  await stack.exited;
  clearTimeout(timer);
}

/**
 * Processes started for `dataDir`: with `SIGNET_DATA_DIR=<dataDir>` in their environment (the
 * stack and its apps) or `dataDir` on their command line (Postgres). Read from /proc; empty
 * where there is none.
 */
export function processesOf(dataDir: string): string[] {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p));
  } catch {
    return [];
  }
  const read = (pid: string, file: string): string => {
    try {
      return readFileSync(`/proc/${pid}/${file}`, 'utf8');
    } catch {
      return ''; // gone, or not ours to read
    }
  };
  return pids.filter(
    (pid) =>
      pid !== String(process.pid) &&
      (read(pid, 'environ').split('\0').includes(`SIGNET_DATA_DIR=${dataDir}`) ||
        read(pid, 'cmdline').includes(dataDir)),
  );
}

/** The result of one `signet` run. */
export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built `signet` with `args` and `env`. */
export function runSignet(args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(repoRoot, 'dist/apps/cli/src/main.js'), ...args], {
      env,
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
