/* The two ways to run Signet, as a user would: `npm start` (embedded Postgres, both apps, one
   command) and one process per app against DATABASE_URL. Runs the built entry points in dist/. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { freePort } from '@app/devkit';
import { createTestDatabase } from './support/database';
import { findProcesses, spawnBuilt, waitFor, waitForOutput } from './support/processes';
import { tempDirs } from './support/temp-dir';

const STACK = 'apps/stack/src/main.js';

async function ports(): Promise<{ CA_PORT: string; LOG_PORT: string }> {
  return { CA_PORT: String(await freePort()), LOG_PORT: String(await freePort()) };
}

/** Connects to the embedded server of a running stack, using the port it printed. */
async function embeddedClient(dataDir: string, output: string): Promise<Client> {
  const port = /embedded Postgres on 127\.0\.0\.1:(\d+)/.exec(output)?.[1];
  const password = readFileSync(join(dataDir, 'postgres.password'), 'utf8').trim();
  const client = new Client({
    host: '127.0.0.1',
    port: Number(port),
    user: 'signet',
    password,
    database: 'signet',
  });
  await client.connect();
  return client;
}

describe('npm start (embedded Postgres)', () => {
  const tempDir = tempDirs();

  it('serves both apps, stops cleanly on SIGINT/SIGTERM, and keeps its data across restarts', async () => {
    const dataDir = tempDir('stack');
    const env = { SIGNET_DATA_DIR: dataDir, LOG_LEVEL: 'warn', ...(await ports()) };

    const first = spawnBuilt(STACK, env);
    await waitForOutput(first, 'ready; press Ctrl-C to stop', 60_000);
    await waitFor(`http://127.0.0.1:${env.CA_PORT}/healthz`, 200, 1000, first);
    await waitFor(`http://127.0.0.1:${env.LOG_PORT}/healthz`, 200, 1000, first);
    expect(first.output()).toContain(`certificate authority: http://127.0.0.1:${env.CA_PORT}`);
    expect(first.output()).toContain(`transparency log:      http://127.0.0.1:${env.LOG_PORT}`);
    expect(findProcesses({ cmdline: join(dataDir, 'postgres') })).toHaveLength(1);

    const client = await embeddedClient(dataDir, first.output());
    await client.query('CREATE TABLE restart_marker (note text)');
    await client.query("INSERT INTO restart_marker VALUES ('still here')");
    await client.end();

    first.child.kill('SIGINT');
    await first.exited;
    expect(findProcesses({ env: `SIGNET_DATA_DIR=${dataDir}` })).toEqual([]);
    expect(findProcesses({ cmdline: join(dataDir, 'postgres') })).toEqual([]);

    const second = spawnBuilt(STACK, env);
    await waitForOutput(second, 'ready; press Ctrl-C to stop', 60_000);
    const again = await embeddedClient(dataDir, second.output());
    const { rows } = await again.query<{ note: string }>('SELECT note FROM restart_marker');
    await again.end();
    expect(rows).toEqual([{ note: 'still here' }]);

    second.child.kill('SIGTERM');
    await second.exited;
    expect(findProcesses({ env: `SIGNET_DATA_DIR=${dataDir}` })).toEqual([]);
    expect(findProcesses({ cmdline: join(dataDir, 'postgres') })).toEqual([]);
  }, 180_000);

  it('refuses a bad variable before starting anything, naming it', async () => {
    const dataDir = join(tempDir('stack'), 'data');
    const run = spawnBuilt(STACK, { SIGNET_DATA_DIR: dataDir, CA_PORT: 'abc' });
    expect(await run.exited).toBe(2);
    expect(run.output()).toContain('CA_PORT: must be an integer between 1 and 65535 (got "abc")');
    expect(existsSync(dataDir)).toBe(false);
  });
});

describe.each([
  ['ca', 'apps/ca/src/main.js', 'CA_PORT'],
  ['transparency-log', 'apps/transparency-log/src/main.js', 'LOG_PORT'],
])('%s on its own (DATABASE_URL)', (_name, script, portVariable) => {
  it('serves /healthz from the given database and exits on SIGTERM', async () => {
    const db = await createTestDatabase();
    const port = String(await freePort());
    const app = spawnBuilt(script, {
      DATABASE_URL: db.url,
      [portVariable]: port,
      LOG_LEVEL: 'info',
    });
    const res = await waitFor(`http://127.0.0.1:${port}/healthz`, 200, 30_000, app);
    expect(await res.json()).toEqual({ status: 'ok' });
    app.child.kill('SIGTERM');
    await app.exited;
    // Structured JSON logs: every line the app wrote is a JSON object.
    const lines = app.output().trim().split('\n');
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(() => JSON.parse(line) as unknown).not.toThrow();
    await db.drop();
  });

  it('requires DATABASE_URL, naming it', async () => {
    const app = spawnBuilt(script, { [portVariable]: String(await freePort()) });
    expect(await app.exited).toBe(2);
    expect(app.output()).toContain('DATABASE_URL: required when the app runs on its own');
  });
});
