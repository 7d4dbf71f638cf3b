import cluster, { type Worker } from 'node:cluster';

/**
 * In the cluster primary: forks `count` workers (each runs this same script, sharing the listening
 * port) and supervises them. SIGTERM or SIGINT is forwarded to every worker as SIGTERM, and the
 * promise resolves with 0 once all have exited. A worker that exits on its own stops the others,
 * and the promise resolves with that worker's exit code (1 if it was killed by a signal), so a
 * process supervisor restarts the whole app rather than run it silently short of workers.
 *
 * @param name the app, as log lines name it (`CA`, `log`).
 */
export function superviseWorkers(
  count: number,
  name: string,
  log: (line: string) => void,
): Promise<number> {
  return new Promise((resolve) => {
    const workers = new Set<Worker>();
    let exitCode: number | undefined;
    const stopAll = () => {
      for (const worker of workers) worker.process.kill('SIGTERM');
    };
    const onSignal = (signal: NodeJS.Signals) => {
      log(`received ${signal}: stopping ${workers.size} ${name} worker(s)`);
      exitCode ??= 0;
      stopAll();
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
    cluster.on('exit', function onExit(worker: Worker, code: number | null, signal: string | null) {
      if (!workers.delete(worker)) return;
      if (exitCode === undefined) {
        log(
          `${name} worker ${worker.process.pid} exited (${signal ?? `code ${code}`}); stopping the others`,
        );
        exitCode = code !== null && code !== 0 ? code : 1;
        stopAll();
      }
      if (workers.size === 0) {
        cluster.off('exit', onExit);
        process.off('SIGTERM', onSignal);
        process.off('SIGINT', onSignal);
        resolve(exitCode);
      }
    });
    for (let i = 0; i < count; i++) workers.add(cluster.fork());
  });
}

/**
 * Runs an app's `main`: in this process when `workers` is 1, else in `workers` cluster workers
 * sharing its port, this process supervising them ({@link superviseWorkers}). A failure to start
 * is printed and exits 1.
 */
export function runWorkers(workers: number, name: string, main: () => Promise<void>): void {
  const fail = (err: unknown): never => {
    process.stderr.write(
      `failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exit(1);
  };
  if (workers > 1 && cluster.isPrimary) {
    superviseWorkers(workers, name, (line) => process.stderr.write(`${line}\n`)).then(
      (code) => process.exit(code),
      fail,
    );
  } else {
    main().catch(fail);
  }
}
