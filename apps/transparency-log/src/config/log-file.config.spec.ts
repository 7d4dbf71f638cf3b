import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, type SignetConfig } from '@app/platform';
import { certificatesToPem, fingerprintOf } from '@app/signing';
import { testPki } from '@app/signing/x509/testing';
import { caCertificateFingerprint } from '@app/schema';
import { tempDirs } from '@app/testing/temp-dir';
import { parseLogWriteSettings } from './log-file.config';

describe(parseLogWriteSettings.name, () => {
  const tempDir = tempDirs();
  const development = { allowed: true, reason: 'development' };
  const config = (dir: string, log: unknown, caRootsFile?: string, developmentKeys = development) =>
    ({
      file: { log },
      configFile: join(dir, 'signet.yaml'),
      log: { caRootsFile },
      developmentKeys,
    }) as unknown as SignetConfig;

  it('reads the files beside the config and parses each key', () => {
    const dir = tempDir('log-config');
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    writeFileSync(join(dir, 'key.pem'), publicKey.export({ type: 'spki', format: 'pem' }));
    expect(parseLogWriteSettings(config(dir, { allowedPublicKeys: ['key.pem'] }))).toEqual({
      trustedCertificates: [],
      allowedKeyFingerprints: [fingerprintOf(publicKey)],
      instanceCaRoots: undefined,
    });
  });

  it('reads no section as nobody configured', () => {
    expect(parseLogWriteSettings(config(tempDir('log-config'), undefined))).toEqual({
      trustedCertificates: [],
      allowedKeyFingerprints: [],
      instanceCaRoots: undefined,
    });
  });

  it('names each unparsable file by field and position, all in one error', () => {
    const dir = tempDir('log-config');
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    writeFileSync(join(dir, 'key.pem'), publicKey.export({ type: 'spki', format: 'pem' }));
    writeFileSync(join(dir, 'junk.pem'), 'not a pem');
    let error: unknown;
    try {
      parseLogWriteSettings(
        config(dir, {
          trustedCertificates: ['junk.pem'],
          allowedPublicKeys: ['key.pem', 'junk.pem'],
        }),
      );
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      expect.stringMatching(/^SIGNET_CONFIG: log\.trustedCertificates\[0\]: /),
      expect.stringMatching(/^SIGNET_CONFIG: log\.allowedPublicKeys\[1\]: /),
    ]);
  });

  it('still refuses an unreadable file and an unknown field, naming them', () => {
    const dir = tempDir('log-config');
    expect(() =>
      parseLogWriteSettings(config(dir, { allowedPublicKeys: ['missing.pem'] })),
    ).toThrow(`SIGNET_CONFIG: log.allowedPublicKeys: cannot read ${join(dir, 'missing.pem')}`);
    expect(() => parseLogWriteSettings(config(dir, { writers: [] }))).toThrow(ConfigError);
  });

  describe('LOG_CA_ROOTS (M5: the log pins the CA roots it trusts)', () => {
    const production = { allowed: false, reason: 'NODE_ENV is production' };

    it('pins the fingerprints of the roots in the file', async () => {
      const dir = tempDir('log-config');
      const pki = await testPki();
      writeFileSync(join(dir, 'roots.pem'), certificatesToPem([pki.root]));
      const settings = parseLogWriteSettings(config(dir, undefined, join(dir, 'roots.pem')));
      expect([...settings.instanceCaRoots!]).toEqual([caCertificateFingerprint(pki.root)]);
    });

    it('is required where development keys are not allowed, naming the variable', () => {
      expect(() =>
        parseLogWriteSettings(config(tempDir('log-config'), undefined, undefined, production)),
      ).toThrow(
        "LOG_CA_ROOTS: required (NODE_ENV is production, so the CA's recorded root certificates are not trusted from the database alone; set SIGNET_DEVELOPMENT_KEYS=true only on a machine of your own)",
      );
    });

    it('refuses an intermediate, an unreadable file and a file without certificates', async () => {
      const dir = tempDir('log-config');
      const pki = await testPki();
      writeFileSync(join(dir, 'chain.pem'), certificatesToPem([pki.root, pki.intermediate]));
      writeFileSync(join(dir, 'empty.pem'), '');
      const problems = (file: string) => {
        try {
          parseLogWriteSettings(config(dir, undefined, join(dir, file)));
        } catch (err) {
          return (err as ConfigError).problems;
        }
        return [];
      };
      expect(problems('chain.pem')).toEqual([
        `LOG_CA_ROOTS: certificate 2 of ${join(dir, 'chain.pem')} is not a root (its issuer is not its subject)`,
      ]);
      expect(problems('missing.pem')).toEqual([
        `LOG_CA_ROOTS: ${join(dir, 'missing.pem')}: cannot read it`,
      ]);
      expect(problems('empty.pem')).toEqual([
        `LOG_CA_ROOTS: ${join(dir, 'empty.pem')}: no PEM CERTIFICATE block found`,
      ]);
    });
  });
});
