/* No Docker engine runs where the tests run, so the deployment files are checked against the
   config schema instead: same services, same variables, healthchecks, a non-root image. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { envSchema } from '@app/platform';

const root = join(__dirname, '..');
const read = (file: string) => readFileSync(join(root, file), 'utf8');
const variables = Object.keys(envSchema.shape).sort();

interface Service {
  command?: string[];
  environment?: Record<string, string>;
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
}

describe('deployment files', () => {
  const compose = parse(read('docker-compose.yml')) as { services: Record<string, Service> };

  it('docker-compose.yml has postgres, ca and transparency-log, each with a healthcheck', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['ca', 'postgres', 'transparency-log']);
    for (const service of Object.values(compose.services))
      expect(service.healthcheck?.test.length).toBeGreaterThan(0);
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
      expect(service.depends_on).toEqual({ postgres: { condition: 'service_healthy' } });
    },
  );

  it('.env.example lists exactly the variables of the config schema, each with a comment', () => {
    const lines = read('.env.example').split('\n');
    const keys = lines.filter((l) => /^[A-Z_]+=/.test(l)).map((l) => l.split('=')[0]!);
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
