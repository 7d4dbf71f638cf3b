import { generateKeyPairSync, verify } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { publicKeyToDer } from '../keys';
import {
  SOFTHSM_MODULE as MODULE_PATH,
  softHsmToken,
  type SoftHsmToken,
} from '@app/testing/softhsm';
import { Pkcs11Signer, type Pkcs11KeyOptions } from './pkcs11';
import { generatePkcs11KeyPair } from './pkcs11-keygen';

const TOKEN = 'signet-test';
const PIN = '123456';
const message = Buffer.from('signet pkcs11 test message');

describe(Pkcs11Signer.name, () => {
  let dir: string;
  let hsm: SoftHsmToken;
  const signers: Pkcs11Signer[] = [];
  const options = (key: Partial<Pkcs11KeyOptions>): Pkcs11KeyOptions => ({
    modulePath: MODULE_PATH,
    tokenLabel: TOKEN,
    pin: PIN,
    ...key,
  });
  const track = (signer: Pkcs11Signer): Pkcs11Signer => {
    signers.push(signer);
    return signer;
  };

  beforeAll(() => {
    hsm = softHsmToken(TOKEN, PIN);
    dir = hsm.dir;
    const util = hsm.util;
    // Keys made outside Signet check that we find and rebuild keys we did not create.
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    for (const [label, id, key] of [
      ['imported-ec', '01', ec.privateKey],
      ['imported-rsa', '02', rsa.privateKey],
      ['duplicate', '03', ec.privateKey],
      ['duplicate', '04', ec.privateKey],
    ] as const) {
      const file = join(dir, `${label}-${id}.pem`);
      writeFileSync(file, key.export({ type: 'pkcs8', format: 'pem' }));
      util('--import', file, '--token', TOKEN, '--label', label, '--id', id, '--pin', PIN);
    }
    importedKeys.ec = publicKeyToDer(ec.publicKey);
    importedKeys.rsa = publicKeyToDer(rsa.publicKey);
  });

  const importedKeys: { ec?: Uint8Array; rsa?: Uint8Array } = {};

  afterAll(async () => {
    await Promise.all(signers.map((signer) => signer.close()));
    hsm.remove();
  });

  // Runs first, while no session is open, so that the token itself checks the PIN.
  it('rejects a wrong PIN', async () => {
    await expect(
      Pkcs11Signer.open({ ...options({ keyLabel: 'imported-ec' }), pin: '000000' }),
    ).rejects.toMatchObject({
      code: 'INVALID_PIN',
      message: 'token "signet-test" rejected the PIN',
    });
  });

  it.each([
    ['imported-ec', 'ecdsa-p256-sha256', 'ec'],
    ['imported-rsa', 'rsa-pkcs1-sha256', 'rsa'],
  ] as const)(
    'opens the imported key %s and rebuilds its public key',
    async (label, algorithm, kind) => {
      const signer = track(await Pkcs11Signer.open(options({ keyLabel: label })));
      expect(signer.algorithm).toBe(algorithm);
      expect(Buffer.from(publicKeyToDer(signer.publicKey))).toEqual(
        Buffer.from(importedKeys[kind] ?? []),
      );
      const signature = await signer.sign(message);
      expect(verify('sha256', message, signer.publicKey, signature)).toBe(true);
    },
  );

  it('finds a key by CKA_ID alone', async () => {
    const signer = track(await Pkcs11Signer.open(options({ keyId: Uint8Array.of(0x02) })));
    expect(signer.algorithm).toBe('rsa-pkcs1-sha256');
  });

  it.each([
    ['ecdsa-p256-sha256', 'sha256'],
    ['ecdsa-p384-sha384', 'sha384'],
    ['ed25519', null],
    ['rsa-pkcs1-sha256', 'sha256'],
  ] as const)('generates a %s key in the token and signs verifiably', async (algorithm, digest) => {
    const keyLabel = `gen-${algorithm}`;
    const signer = track(
      await generatePkcs11KeyPair({ ...options({ keyLabel }), algorithm, rsaModulusLength: 2048 }),
    );
    expect(signer.algorithm).toBe(algorithm);
    const signature = await signer.sign(message);
    // Node checks ECDSA as DER by default: this proves the r || s conversion.
    expect(verify(digest, message, signer.publicKey, signature)).toBe(true);
    expect(verify(digest, Buffer.from('other'), signer.publicKey, signature)).toBe(false);
  });

  it('serialises concurrent signatures on one session', async () => {
    const signer = track(await Pkcs11Signer.open(options({ keyLabel: 'imported-ec' })));
    const messages = Array.from({ length: 20 }, (_, i) => Buffer.from(`message ${i}`));
    const signatures = await Promise.all(messages.map((m) => signer.sign(m)));
    signatures.forEach((signature, i) => {
      expect(verify('sha256', messages[i]!, signer.publicKey, signature)).toBe(true);
    });
  });

  it('refuses to generate over an existing label', async () => {
    await expect(
      generatePkcs11KeyPair({
        ...options({ keyLabel: 'imported-ec' }),
        algorithm: 'ecdsa-p256-sha256',
      }),
    ).rejects.toMatchObject({
      code: 'INVALID_KEY',
      message: 'token "signet-test" already holds an object labelled "imported-ec"',
    });
  });

  it('rejects a wrong PIN while another signer holds the login', async () => {
    track(await Pkcs11Signer.open(options({ keyLabel: 'imported-ec' })));
    await expect(
      Pkcs11Signer.open({ ...options({ keyLabel: 'imported-ec' }), pin: '000000' }),
    ).rejects.toMatchObject({
      code: 'INVALID_PIN',
      message: 'token "signet-test" is logged in with a different PIN',
    });
  });

  it('rejects an unknown token', async () => {
    await expect(
      Pkcs11Signer.open({ ...options({ keyLabel: 'imported-ec' }), tokenLabel: 'nope' }),
    ).rejects.toMatchObject({
      code: 'KEY_NOT_FOUND',
      message: 'no PKCS#11 token labelled "nope"',
    });
  });

  it('rejects an unknown key label', async () => {
    await expect(Pkcs11Signer.open(options({ keyLabel: 'missing' }))).rejects.toMatchObject({
      code: 'KEY_NOT_FOUND',
      message: 'no private key labelled "missing" on token "signet-test"',
    });
  });

  it('rejects a label shared by several keys', async () => {
    await expect(Pkcs11Signer.open(options({ keyLabel: 'duplicate' }))).rejects.toMatchObject({
      code: 'INVALID_KEY',
      message: '2 private keys labelled "duplicate" on token "signet-test"; expected one',
    });
    const byBoth = track(
      await Pkcs11Signer.open(options({ keyLabel: 'duplicate', keyId: Uint8Array.of(4) })),
    );
    expect(byBoth.algorithm).toBe('ecdsa-p256-sha256');
  });

  it('rejects a selector that names no key', async () => {
    await expect(Pkcs11Signer.open(options({}))).rejects.toMatchObject({
      code: 'INVALID_KEY',
      message: 'a PKCS#11 key needs a keyLabel or a keyId',
    });
  });

  it('rejects a module that cannot be loaded', async () => {
    await expect(
      Pkcs11Signer.open({ ...options({ keyLabel: 'x' }), modulePath: join(dir, 'missing.so') }),
    ).rejects.toMatchObject({
      code: 'SIGNER_FAILURE',
      message: `cannot load PKCS#11 module ${dir}/missing.so`,
    });
  });

  it('refuses to sign after close', async () => {
    const signer = await Pkcs11Signer.open(options({ keyLabel: 'imported-ec' }));
    await signer.close();
    await expect(signer.sign(message)).rejects.toMatchObject({
      code: 'SIGNER_FAILURE',
      message: 'the PKCS#11 signer is closed',
    });
  });
});
