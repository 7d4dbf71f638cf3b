import { runBuilt } from '@app/testing/processes';
import { tempDirs } from '@app/testing/temp-dir';

const tempDir = tempDirs();

/**
 * M8: a server that would sign with development keys outside development stops at boot, with
 * one line per key naming the variable, before it opens a port or touches the database.
 */
describe('development keys outside development', () => {
  // Never reached: the refusal comes before any connection.
  const base = { DATABASE_URL: 'postgres://nobody@127.0.0.1:9/none', LOG_LEVEL: 'silent' };

  it.each([
    [
      'the transparency log',
      'apps/transparency-log/src/main.js',
      ['LOG_KEY', 'CT_LOG_KEY'],
      "LOG_CA_ROOTS: required (NODE_ENV is production, so the CA's recorded root certificates are not trusted from the database alone;",
    ],
    [
      'the CA',
      'apps/ca/src/main.js',
      ['CA_KEY', 'CA_TUF_KEY'],
      "CA_LOG_PUBLIC_KEYS: required (NODE_ENV is production, so the log's tree keys are not trusted from the database alone;",
    ],
  ])(
    '%s refuses to start with NODE_ENV=production and no keys or pins (exit 2)',
    async (_, main, keys, pin) => {
      const run = await runBuilt(
        main,
        [],
        { ...base, NODE_ENV: 'production' },
        tempDir('dev-keys'),
      );
      expect(run.code).toBe(2);
      for (const key of keys) {
        expect(run.stderr).toContain(
          `${key}: required (NODE_ENV is production, so no development key stands in for it; set SIGNET_DEVELOPMENT_KEYS=true only on a machine of your own)`,
        );
      }
      expect(run.stderr).toContain(pin);
    },
  );

  it('refuses them when listening beyond loopback, even outside production', async () => {
    const run = await runBuilt(
      'apps/transparency-log/src/main.js',
      [],
      { ...base, SIGNET_LISTEN_HOST: '0.0.0.0' },
      tempDir('dev-keys'),
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      'LOG_KEY: required (SIGNET_LISTEN_HOST 0.0.0.0 is not loopback, so no development key stands in for it;',
    );
  });
});
