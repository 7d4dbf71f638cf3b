import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toMessageSignatureBundle } from '@sigstore/bundle';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { fingerprintOf } from '@app/signing';
import {
  checkVerificationMaterial,
  type SignerPolicy,
  signerPolicyFrom,
  trustMaterialFor,
} from './signer-policy';

const IDENTITY = {
  'certificate-identity': 'alice@example.com',
  'certificate-oidc-issuer': 'https://idp.example.com',
};
const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const PEM = publicKey.export({ type: 'spki', format: 'pem' }).toString();

describe(signerPolicyFrom.name, () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'signet-key-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('makes an identity policy without --key', async () => {
    await expect(signerPolicyFrom(IDENTITY)).resolves.toMatchObject({ kind: 'identity' });
  });

  it('loads --key as a public key with its SPKI fingerprint', async () => {
    const path = join(dir, 'key.pub');
    writeFileSync(path, PEM);
    await expect(signerPolicyFrom({ key: path })).resolves.toMatchObject({
      kind: 'key',
      path,
      fingerprint: fingerprintOf(publicKey),
    });
  });

  it('refuses --key with an identity flag as bad usage (64)', async () => {
    await expect(
      signerPolicyFrom({ key: 'key.pub', 'certificate-oidc-issuer': 'https://x' }),
    ).rejects.toMatchObject({
      exitCode: 64,
      message:
        'give --key or --certificate-oidc-issuer, not both: --key verifies a bundle signed with a managed key, the --certificate-* flags one signed with a certificate',
    });
  });

  it('reports a key file that is not a PEM public key (exit 2), naming it', async () => {
    const path = join(dir, 'cert.pem');
    writeFileSync(path, '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n');
    await expect(signerPolicyFrom({ key: path })).rejects.toMatchObject({
      exitCode: 2,
      message: `--key ${path} is not a usable public key: public key is not a PEM "PUBLIC KEY" block`,
    });
  });
});

describe(checkVerificationMaterial.name, () => {
  const keyPolicy: SignerPolicy = { kind: 'key', path: 'k.pem', key: publicKey, fingerprint: '' };
  const bundle = (material: { keyHint: string } | { certificate: Buffer }) =>
    toMessageSignatureBundle({ digest: Buffer.alloc(32), signature: Buffer.alloc(8), ...material });

  it('accepts a public-key bundle with --key', () => {
    expect(() => checkVerificationMaterial(bundle({ keyHint: 'h' }), keyPolicy)).not.toThrow();
  });

  it('fails (exit 1) for a public-key bundle verified by identity, asking for --key', async () => {
    const identity = await signerPolicyFrom(IDENTITY);
    expect(() => checkVerificationMaterial(bundle({ keyHint: 'h1' }), identity)).toThrow(
      expect.objectContaining({
        exitCode: 1,
        code: 'PUBLIC_KEY_ERROR',
        message:
          'the bundle is signed with a managed key (hint "h1"), not a certificate: verify it with --key KEY.pem',
      }),
    );
  });

  it('fails (exit 1) for a certificate bundle verified with --key', () => {
    expect(() =>
      checkVerificationMaterial(bundle({ certificate: Buffer.from('der') }), keyPolicy),
    ).toThrow(
      expect.objectContaining({
        exitCode: 1,
        code: 'PUBLIC_KEY_ERROR',
        message:
          '--key: the bundle is signed with a certificate, not a managed key: verify it with --certificate-identity and --certificate-oidc-issuer',
      }),
    );
  });
});

describe(trustMaterialFor.name, () => {
  const root = TrustedRoot.fromJSON({ tlogs: [], certificateAuthorities: [] });

  it('finds the --key key for any hint, valid at any time', () => {
    const found = trustMaterialFor(root, {
      kind: 'key',
      path: 'k.pem',
      key: publicKey,
      fingerprint: '',
    }).publicKey('any hint');
    expect(found.publicKey).toBe(publicKey);
    expect(found.validFor(new Date(0))).toBe(true);
  });

  it('trusts no managed key without --key', async () => {
    const material = trustMaterialFor(root, await signerPolicyFrom(IDENTITY));
    expect(() => material.publicKey('hint')).toThrow('key not found: hint');
  });
});
