import cluster from 'node:cluster';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDirs } from '@app/testing/temp-dir';
import { superviseWorkers } from './workers';

describe(superviseWorkers.name, () => {
  let dir: string;
  const tempDir = tempDirs();
  const lines: string[] = [];
  const log = (line: string) => lines.push(line);

  // A worker script: given an exit code argument, the first worker to claim the marker file exits
  // with it;
  // every other runs until SIGTERM and then exits 0, as the CA does through Nest's shutdown hooks.
  const fixture = () => {
    const path = join(dir, 'worker.js');
    writeFileSync(
      path,
      `const fs = require('node:fs');
       const code = process.argv[2];
       if (code !== undefined) {
         try {
           fs.closeSync(fs.openSync(${JSON.stringify(join(dir, 'claimed'))}, 'wx'));
           process.exit(Number(code));
         } catch {}
       }
       process.on('SIGTERM', () => process.exit(0));
       setInterval(() => undefined, 1000);
       process.send('ready');`,
    );
    return path;
  };

  beforeEach(() => {
    dir = tempDir('workers');
    lines.length = 0;
    cluster.setupPrimary({ exec: fixture(), args: [], silent: true });
  });

  const whenReady = (count: number) =>
    new Promise<void>((resolve) => {
      let ready = 0;
      const onMessage = () => {
        if (++ready === count) {
          cluster.off('message', onMessage);
          resolve();
        }
      };
      cluster.on('message', onMessage);
    });

  jest.setTimeout(20_000);

  it('forks the workers and stops them all on SIGTERM, resolving 0', async () => {
    const listeners = process.listenerCount('SIGTERM');
    const ready = whenReady(3);
    const done = superviseWorkers(3, 'CA', log);
    await ready;
    expect(Object.keys(cluster.workers ?? {})).toHaveLength(3);
    process.emit('SIGTERM', 'SIGTERM');
    await expect(done).resolves.toBe(0);
    expect(lines).toEqual(['received SIGTERM: stopping 3 CA worker(s)']);
    expect(process.listenerCount('SIGTERM')).toBe(listeners);
  });

  it('stops the others when one worker exits, resolving with its exit code', async () => {
    // Arguments, not the environment: Jest gives a test its own copy of process.env.
    cluster.setupPrimary({ args: ['3'] });
    const done = superviseWorkers(2, 'CA', log);
    await expect(done).resolves.toBe(3);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^CA worker \d+ exited \(code 3\); stopping the others$/);
    // Node drops a worker from cluster.workers once it has both exited and disconnected; the
    // 'disconnect' may come after the 'exit' the supervisor resolved on (seen on a loaded machine).
    for (let i = 0; i < 100 && Object.keys(cluster.workers ?? {}).length > 0; i++) {
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(Object.keys(cluster.workers ?? {})).toHaveLength(0);
  });
});
