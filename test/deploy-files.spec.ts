/* No Docker engine runs where the tests run, so the deployment files are checked against the
   config schema instead: same services, same variables, healthchecks, a non-root image. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { envSchema, loadConfig } from '@app/platform';
import { parseIssuers } from '../apps/ca/src/identity';
import { parseRules } from '../apps/ca/src/policy/rules.config';

const root = join(__dirname, '..');
const read = (file: string) => readFileSync(join(root, file), 'utf8');
const variables = Object.keys(envSchema.shape).sort();

interface Service {
  command?: string[];
  volumes?: string[];
  environment?: Record<string, string>;
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
}

describe('deployment files', () => {
  const compose = parse(read('docker-compose.yml')) as { services: Record<string, Service> };

  it('docker-compose.yml has postgres, a one-shot migrate, ca and transparency-log', () => {
    expect(Object.keys(compose.services).sort()).toEqual([
      'ca',
      'migrate',
      'postgres',
      'transparency-log',
    ]);
    for (const name of ['ca', 'postgres', 'transparency-log'])
      expect(compose.services[name]!.healthcheck?.test.length).toBeGreaterThan(0);
    expect(compose.services.migrate!.command).toEqual(['node', 'dist/tools/db.js', 'migrate']);
  });

  it('runs each app as its own database role; only migrate connects as the owner (M5)', () => {
    const user = (name: string) =>
      new URL(compose.services[name]!.environment!.DATABASE_URL!).username;
    expect([user('migrate'), user('ca'), user('transparency-log')]).toEqual([
      'signet_owner',
      'signet_ca_app',
      'signet_log_app',
    ]);
    const postgres = compose.services.postgres!;
    const init = postgres.volumes!.find((v) => v.includes('/docker-entrypoint-initdb.d/'))!;
    const script = read(init.split(':')[0]!);
    expect(script).toContain('CREATE ROLE signet_ca_app LOGIN');
    expect(script).toContain('IN ROLE signet_ca;');
    expect(script).toContain('IN ROLE signet_log;');
    for (const name of ['ca', 'transparency-log']) {
      expect(compose.services[name]!.depends_on?.migrate).toEqual({
        condition: 'service_completed_successfully',
      });
    }
  });

  it.each([
    ['ca', 'dist/apps/ca/src/main.js', 'CA_PORT'],
    ['transparency-log', 'dist/apps/transparency-log/src/main.js', 'LOG_PORT'],
  ])(
    '%s runs its entry point with known, valid variables and waits for a healthy database',
    (name, entry, port) => {
      const service = compose.services[name]!;
      expect(service.command).toEqual(['node', entry]);
      const env = service.environment ?? {};
      for (const key of Object.keys(env)) expect(variables).toContain(key);
      expect(env).toHaveProperty('DATABASE_URL');
      expect(env).toHaveProperty(port);
      expect(envSchema.safeParse(env).success).toBe(true);
      expect(service.healthcheck?.test.join(' ')).toContain(`127.0.0.1:${env[port]}/healthz`);
      expect(service.depends_on?.postgres).toEqual({ condition: 'service_healthy' });
    },
  );

  it('describes a working instance: the CA reaches the CT log, and its config allows issuance', () => {
    const { ca, 'transparency-log': log } = compose.services;
    const caEnv = ca!.environment ?? {};
    const logPort = log!.environment?.LOG_PORT;
    // CT is required (the default), so the CA must reach the log's service inside the network...
    expect(caEnv.CA_CT_REQUIRED ?? 'true').toBe('true');
    expect(caEnv.CA_LOG_URL).toBe(`http://transparency-log:${logPort}`);
    // ...and starts only once the log answers its healthcheck.
    expect(ca!.depends_on?.['transparency-log']).toEqual({ condition: 'service_healthy' });
    // Both mount a config file that exists in the repository, and both boot with it.
    for (const service of [ca!, log!]) {
      const mount = service.volumes?.find((v) =>
        v.endsWith(`:${service.environment?.SIGNET_CONFIG}:ro`),
      );
      expect(mount).toBeDefined();
      const file = join(root, mount!.split(':')[0]!);
      const config = loadConfig({ ...service.environment, SIGNET_CONFIG: file }, root);
      const issuers = parseIssuers(config.file.issuers);
      const rules = parseRules(config.file.rules, config.ca.maxCertificateLifetimeSeconds);
      // Default deny: with no rule, or a rule for an unconfigured issuer, nothing could be issued.
      expect(rules.length).toBeGreaterThan(0);
      const issuerUrls = issuers.map((i) => i.url);
      for (const rule of rules) expect(issuerUrls).toContain(rule.issuer);
    }
  });

  it('.env.example lists exactly the variables of the config schema, each with a comment', () => {
    const lines = read('.env.example').split('\n');
    const keys = lines.filter((l) => /^[A-Z][A-Z0-9_]*=/.test(l)).map((l) => l.split('=')[0]!);
    expect(keys.sort()).toEqual(variables);
    for (const key of keys) {
      const at = lines.findIndex((l) => l.startsWith(`${key}=`));
      expect(lines[at - 1]).toMatch(/^# /);
    }
  });

  it('the README configuration table documents every variable', () => {
    const readme = read('README.md');
    for (const key of variables) expect(readme).toContain(`| \`${key}\``);
  });

  it('the Dockerfile is multi-stage and runs as a non-root user', () => {
    const dockerfile = read('Dockerfile');
    expect(dockerfile.match(/^FROM /gm)?.length).toBeGreaterThanOrEqual(2);
    expect(dockerfile).toMatch(/^USER node$/m);
  });
});
