import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDirs } from '@app/testing/temp-dir';
import { ConfigError, developmentKeysPolicy, loadConfig } from './config';
import { missingKeys } from './config-or-exit';

const tempDir = tempDirs();
const empty = tempDirs(afterAll)('config');

function problems(env: NodeJS.ProcessEnv, cwd = empty): readonly string[] {
  try {
    loadConfig(env, cwd);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe(loadConfig.name, () => {
  it('applies the documented defaults', () => {
    const config = loadConfig({}, empty);
    expect(config).toMatchObject({
      caPort: 5555,
      logPort: 3000,
      caPublicUrl: 'http://127.0.0.1:5555',
      logPublicUrl: 'http://127.0.0.1:3000',
      listenHost: '127.0.0.1',
      databaseUrl: undefined,
      dataDir: join(empty, 'data'),
      embeddedPostgresPort: 0,
      configFile: undefined,
      file: {},
      logLevel: 'info',
    });
  });

  it('derives public URLs from ports and strips trailing slashes', () => {
    const config = loadConfig(
      { CA_PORT: '8080', LOG_PUBLIC_URL: 'https://log.example.com/' },
      empty,
    );
    expect(config.caPublicUrl).toBe('http://127.0.0.1:8080');
    expect(config.logPublicUrl).toBe('https://log.example.com');
  });

  it('names the variable and the bad value', () => {
    expect(problems({ CA_PORT: 'abc' })).toEqual([
      'CA_PORT: must be an integer between 1 and 65535 (got "abc")',
    ]);
    expect(problems({ LOG_PORT: '70000' })).toEqual([
      'LOG_PORT: must be an integer between 1 and 65535 (got "70000")',
    ]);
    expect(problems({ LOG_LEVEL: 'loud' })[0]).toMatch(/^LOG_LEVEL: .*"loud"/);
    expect(problems({ CA_PUBLIC_URL: 'ftp://x' })).toEqual([
      'CA_PUBLIC_URL: must be an http(s) URL (got "ftp://x")',
    ]);
  });

  it('bounds the log sequencer queue: LOG_QUEUE_MAX_ENTRIES, 1024 by default', () => {
    expect(loadConfig({}, empty).log.queueMaxEntries).toBe(1024);
    expect(loadConfig({ LOG_QUEUE_MAX_ENTRIES: '8' }, empty).log.queueMaxEntries).toBe(8);
    expect(problems({ LOG_QUEUE_MAX_ENTRIES: '0' })).toEqual([
      'LOG_QUEUE_MAX_ENTRIES: must be an integer between 1 and 1000000 (got "0")',
    ]);
  });

  it('reports every bad variable at once', () => {
    expect(problems({ CA_PORT: 'x', LOG_PORT: 'y' }).map((p) => p.split(':')[0])).toEqual([
      'CA_PORT',
      'LOG_PORT',
    ]);
  });

  it('never echoes DATABASE_URL, which may hold a password', () => {
    const [problem] = problems({ DATABASE_URL: 'mysql://admin:hunter2@db/x' });
    expect(problem).toBe('DATABASE_URL: must be a postgres:// or postgresql:// URL');
    expect(problem).not.toContain('hunter2');
  });

  it('reads signet.yaml from the working directory when SIGNET_CONFIG is unset', () => {
    const dir = tempDir('config');
    writeFileSync(join(dir, 'signet.yaml'), 'issuers: []\nrules: []\n');
    const config = loadConfig({}, dir);
    expect(config.configFile).toBe(join(dir, 'signet.yaml'));
    expect(config.file).toEqual({ issuers: [], rules: [] });
  });

  it('rejects a missing, unparsable or non-mapping SIGNET_CONFIG', () => {
    const dir = tempDir('config');
    expect(problems({ SIGNET_CONFIG: 'nope.yaml' }, dir)).toEqual([
      `SIGNET_CONFIG: file not found: ${join(dir, 'nope.yaml')}`,
    ]);
    writeFileSync(join(dir, 'bad.yaml'), 'issuers: [\n');
    expect(problems({ SIGNET_CONFIG: 'bad.yaml' }, dir)[0]).toMatch(
      /^SIGNET_CONFIG: .*bad\.yaml is not valid YAML/,
    );
    writeFileSync(join(dir, 'list.yaml'), '- a\n- b\n');
    expect(problems({ SIGNET_CONFIG: 'list.yaml' }, dir)[0]).toMatch(/must contain a YAML mapping/);
  });
});

describe(developmentKeysPolicy.name, () => {
  it('allows development keys on loopback outside production, and says why', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]']) {
      expect(developmentKeysPolicy(undefined, undefined, host).allowed).toBe(true);
    }
    expect(developmentKeysPolicy(undefined, 'development', '127.0.0.1').allowed).toBe(true);
  });

  it('refuses them in production or beyond loopback unless SIGNET_DEVELOPMENT_KEYS says so', () => {
    expect(developmentKeysPolicy(undefined, 'production', '127.0.0.1')).toEqual({
      allowed: false,
      reason: 'NODE_ENV is production',
    });
    expect(developmentKeysPolicy(undefined, undefined, '0.0.0.0')).toEqual({
      allowed: false,
      reason: 'SIGNET_LISTEN_HOST 0.0.0.0 is not loopback',
    });
    expect(developmentKeysPolicy('true', 'production', '0.0.0.0').allowed).toBe(true);
    expect(developmentKeysPolicy('false', undefined, '127.0.0.1')).toEqual({
      allowed: false,
      reason: 'SIGNET_DEVELOPMENT_KEYS=false',
    });
  });

  it('is read from the environment, with SIGNET_DEVELOPMENT_KEYS validated', () => {
    expect(loadConfig({ NODE_ENV: 'production' }, empty).developmentKeys.allowed).toBe(false);
    expect(problems({ SIGNET_DEVELOPMENT_KEYS: 'yes' })).toEqual([
      'SIGNET_DEVELOPMENT_KEYS: must be true or false (got "yes")',
    ]);
  });
});

describe(missingKeys.name, () => {
  it('names each unset key where no development key may stand in, and nothing otherwise', () => {
    const production = loadConfig({ NODE_ENV: 'production' }, empty);
    expect(missingKeys(production, ['LOG_KEY', 'CT_LOG_KEY'])).toEqual([
      'LOG_KEY: required (NODE_ENV is production, so no development key stands in for it; set SIGNET_DEVELOPMENT_KEYS=true only on a machine of your own)',
      'CT_LOG_KEY: required (NODE_ENV is production, so no development key stands in for it; set SIGNET_DEVELOPMENT_KEYS=true only on a machine of your own)',
    ]);
    expect(missingKeys(loadConfig({}, empty), ['LOG_KEY', 'CA_KEY'])).toEqual([]);
  });
});
