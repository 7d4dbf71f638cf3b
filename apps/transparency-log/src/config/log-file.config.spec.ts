import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, type SignetConfig } from '@app/platform';
import { fingerprintOf } from '@app/signing';
import { tempDirs } from '@app/testing/temp-dir';
import { parseLogWriteSettings } from './log-file.config';

describe(parseLogWriteSettings.name, () => {
  const tempDir = tempDirs();
  const config = (dir: string, log: unknown) =>
    ({ file: { log }, configFile: join(dir, 'signet.yaml') }) as unknown as SignetConfig;

  it('reads the files beside the config and parses each key', () => {
    const dir = tempDir('log-config');
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    writeFileSync(join(dir, 'key.pem'), publicKey.export({ type: 'spki', format: 'pem' }));
    expect(parseLogWriteSettings(config(dir, { allowedPublicKeys: ['key.pem'] }))).toEqual({
      trustedCertificates: [],
      allowedKeyFingerprints: [fingerprintOf(publicKey)],
    });
  });

  it('reads no section as nobody configured', () => {
    expect(parseLogWriteSettings(config(tempDir('log-config'), undefined))).toEqual({
      trustedCertificates: [],
      allowedKeyFingerprints: [],
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
});
