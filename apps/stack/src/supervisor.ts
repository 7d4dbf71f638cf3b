import { type ChildProcess, spawn } from 'node:child_process';

export interface ChildSpec {
  name: string;
  script: string;
  env: NodeJS.ProcessEnv;
}

/** Starts app processes, waits for their health checks, and stops them on request. */
export class Supervisor {
  private readonly children = new Map<string, ChildProcess>();
  private stopping = false;

  constructor(private readonly onUnexpectedExit: (name: string, code: number | null) => void) {}

  start(spec: ChildSpec): void {
    const child = spawn(process.execPath, [spec.script], {
      env: spec.env,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    this.children.set(spec.name, child);
    child.on('exit', (code) => {
      this.children.delete(spec.name);
      if (!this.stopping) this.onUnexpectedExit(spec.name, code);
    });
  }

  /** Polls each URL until it answers 200, or fails after `timeoutMs`. */
  async waitHealthy(urls: string[], timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (const url of urls) {
      for (;;) {
        const ok = await fetch(url).then(
          (r) => r.ok,
          () => false,
        );
        if (ok) break;
        if (this.stopping) throw new Error('stopped while starting');
        if (Date.now() > deadline)
          throw new Error(`${url} did not answer 200 within ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }

  /** SIGTERM to every child; SIGKILL to any still running after `graceMs`. */
  async stopAll(graceMs = 8_000): Promise<void> {
    this.stopping = true;
    const running = [...this.children.values()];
    await Promise.all(
      running.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
            child.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
            child.kill('SIGTERM');
          }),
      ),
    );
  }
}
