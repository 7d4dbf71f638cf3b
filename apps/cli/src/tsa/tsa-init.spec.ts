import { randomBytes, createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openSigner, parseKeyRef } from '@app/platform';
import {
  certificatesFromPem,
  issueTimestamp,
  tsaChainProblem,
  parseCertificate,
  timestampRequestFromJson,
} from '@app/signing';
import { opensslTsVerify } from '@app/testing/openssl-ts';
import { softHsmToken } from '@app/testing/softhsm';
import { tempDirs } from '@app/testing/temp-dir';
import { tsaInit } from './tsa-init';

const POLICY = '1.3.6.1.4.1.57264.2';

/**
 * `signet tsa init` makes a TSA the CA accepts (the same check as at boot) and whose tokens an
 * independent verifier accepts, with file keys and with keys inside a PKCS#11 token.
 */
describe('signet tsa init', () => {
  const tempDir = tempDirs();

  async function initAndTimestamp(args: string[], dir: string) {
    const lines: string[] = [];
    expect(await tsaInit(['--out', dir, ...args], (l) => lines.push(l))).toBe(0);
    const settings = Object.fromEntries(
      lines
        .filter((l) => /^TSA_[A-Z_]+=/.test(l))
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
    const passphrase = settings.TSA_KEY_PASSPHRASE_FILE;
    const signer = await openSigner(
      parseKeyRef(
        'TSA_KEY',
        settings.TSA_KEY!,
        passphrase === undefined ? undefined : { file: passphrase },
      ),
    );
    try {
      const chain = certificatesFromPem(readFileSync(settings.TSA_CHAIN!, 'utf8')).map((d) =>
        parseCertificate(d),
      );
      expect(tsaChainProblem(signer, chain)).toBeUndefined();
      const data = randomBytes(32);
      const token = await issueTimestamp(
        { signer, chain, policy: POLICY },
        timestampRequestFromJson(
          {
            artifactHash: createHash('sha256').update(data).digest('base64'),
            hashAlgorithm: 'sha256',
          },
          POLICY,
        ),
        new Date(),
      );
      writeFileSync(join(dir, 'data'), data);
      const pem = readFileSync(settings.TSA_CHAIN!, 'utf8');
      const verified = opensslTsVerify(
        dir,
        token,
        {
          rootPem: readFileSync(join(dir, 'root.pem'), 'utf8'),
          leafPem: pem.split(/(?<=-----END CERTIFICATE-----\n)/)[0]!,
        },
        '-data',
        join(dir, 'data'),
      );
      expect(verified).toContain('Verification: OK');
      return { lines, settings };
    } finally {
      await signer.close?.();
    }
  }

  it('with file keys: prints the settings, and the TSA they name timestamps', async () => {
    const dir = join(tempDir('tsa-init'), 'tsa');
    const { lines } = await initAndTimestamp([], dir);
    expect(lines).toEqual([
      `wrote a new passphrase to ${join(dir, 'passphrase')}; keep it secret`,
      `TSA_KEY_PASSPHRASE_FILE=${join(dir, 'passphrase')}`,
      `TSA_KEY=${join(dir, 'tsa-key.pem')}`,
      `TSA_CHAIN=${join(dir, 'chain.pem')}`,
    ]);
  });

  it('with keys generated inside a PKCS#11 token (SoftHSM2)', async () => {
    const hsm = softHsmToken('signet-tsa', '123456');
    try {
      const dir = join(tempDir('tsa-init'), 'tsa');
      const pinFile = join(hsm.dir, 'pin');
      writeFileSync(pinFile, '123456\n');
      const { settings } = await initAndTimestamp(
        [
          '--pkcs11-module',
          hsm.modulePath,
          '--pkcs11-token',
          hsm.label,
          '--pkcs11-pin-file',
          pinFile,
        ],
        dir,
      );
      expect(settings.TSA_KEY).toMatch(/^pkcs11:token=signet-tsa;object=signet-tsa-tsa\?/);
    } finally {
      hsm.remove();
    }
  });
});
