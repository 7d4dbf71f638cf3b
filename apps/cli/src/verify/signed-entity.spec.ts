import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { toMessageSignatureBundle } from '@sigstore/bundle';
import { HashAlgorithm } from '@sigstore/protobuf-specs';
import { signedEntityFor } from './signed-entity';

const artifact = Buffer.from('release 1.2.3');
const digest = createHash('sha256').update(artifact).digest();
const sha256 = digest.toString('hex');

function bundleSignedWith(type: 'ec' | 'rsa' | 'ed25519') {
  const keys =
    type === 'ec'
      ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
      : type === 'rsa'
        ? generateKeyPairSync('rsa', { modulusLength: 2048 })
        : generateKeyPairSync('ed25519');
  const signature = sign(type === 'ed25519' ? null : 'sha256', artifact, keys.privateKey);
  return { keys, bundle: toMessageSignatureBundle({ digest, signature, keyHint: 'hint' }) };
}

describe(signedEntityFor.name, () => {
  it.each(['ec', 'rsa'] as const)(
    'verifies a %s message signature from the sha256 alone, and only with its key',
    (type) => {
      const { keys, bundle } = bundleSignedWith(type);
      const { signature } = signedEntityFor(bundle, { kind: 'digest', sha256 });
      expect(signature.verifySignature(keys.publicKey)).toBe(true);
      expect(signature.verifySignature(bundleSignedWith(type).keys.publicKey)).toBe(false);
      // What the log entry is compared with: the bundle's digest and signature.
      expect(signature.compareDigest(digest)).toBe(true);
      expect(signature.compareSignedDigest(Buffer.alloc(32))).toBe(false);
      expect(signature.compareSignature(bundle.content.messageSignature.signature)).toBe(true);
    },
  );

  it('verifies over the file when one is given', () => {
    const { keys, bundle } = bundleSignedWith('ec');
    const file = { kind: 'file' as const, path: 'a', data: artifact, sha256 };
    expect(signedEntityFor(bundle, file).signature.verifySignature(keys.publicKey)).toBe(true);
  });

  it('fails (exit 1, MESSAGE_DIGEST_MISMATCH) for a digest the bundle does not record', () => {
    const { bundle } = bundleSignedWith('ec');
    const other = 'ab'.repeat(32);
    expect(() => signedEntityFor(bundle, { kind: 'digest', sha256: other })).toThrow(
      expect.objectContaining({
        exitCode: 1,
        code: 'MESSAGE_DIGEST_MISMATCH',
        message: `the bundle's messageDigest is sha256:${sha256}, not the given sha256:${other}`,
      }),
    );
  });

  it('fails for a bundle whose messageDigest is not SHA2_256', () => {
    const { bundle } = bundleSignedWith('ec');
    bundle.content.messageSignature.messageDigest.algorithm = HashAlgorithm.SHA2_384;
    expect(() => signedEntityFor(bundle, { kind: 'digest', sha256 })).toThrow(
      expect.objectContaining({
        code: 'MESSAGE_DIGEST_MISMATCH',
        message:
          "the bundle's messageDigest is SHA2_384, not SHA2_256: give the file instead of its sha256",
      }),
    );
  });

  it('refuses to verify an Ed25519 signature from a digest, naming why', () => {
    const { keys, bundle } = bundleSignedWith('ed25519');
    const { signature } = signedEntityFor(bundle, { kind: 'digest', sha256 });
    expect(() => signature.verifySignature(keys.publicKey)).toThrow(
      expect.objectContaining({
        code: 'SIGNATURE_ERROR',
        message: 'an ed25519 signature covers the file, not its digest: give the file',
      }),
    );
  });
});
