import { join } from 'node:path';
import { ConfigError, loadConfig } from '@app/platform';
import { generateKeyPair, writeEncryptedPrivateKey } from '@app/signing';
import { tempDirs } from '@app/testing/temp-dir';
import { openTreeSignings } from './log-keys';

describe(openTreeSignings.name, () => {
  const tempDir = tempDirs();

  it('opens one signing per tree purpose, development keys included', async () => {
    const dir = tempDir('log-keys');
    const signings = await openTreeSignings(loadConfig({ SIGNET_DATA_DIR: dir }, dir));
    expect([...signings.keys()]).toEqual(['artifact', 'ct', 'rekor-v2']);
    expect(signings.get('rekor-v2')!.origin(1n)).toBe('localhost');
    for (const s of signings.values()) await s.signer.close?.();
  });

  it.each([
    [
      'CT_LOG_KEY',
      'ecdsa-p384-sha384',
      'CT_LOG_KEY: must be an ECDSA P-256 key (RFC 6962 SCTs and tree heads are verified as ECDSA P-256 / SHA-256), got ecdsa-p384-sha384',
    ],
    [
      'LOG_V2_KEY',
      'rsa-pkcs1-sha256',
      'LOG_V2_KEY: must be an Ed25519 or ECDSA P-256 key (C2SP signed notes), got rsa-pkcs1-sha256',
    ],
  ] as const)('refuses a %s of the wrong type, naming it', async (variable, algorithm, message) => {
    const dir = tempDir('log-keys');
    const file = join(dir, 'key.pem');
    await writeEncryptedPrivateKey(file, generateKeyPair(algorithm).privateKey, 'passphrase');
    const config = loadConfig(
      { SIGNET_DATA_DIR: dir, [variable]: file, [`${variable}_PASSPHRASE`]: 'passphrase' },
      dir,
    );
    await expect(openTreeSignings(config)).rejects.toEqual(new ConfigError([message]));
  });
});
