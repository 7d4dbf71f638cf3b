import { createPublicKey, verify } from 'node:crypto';
import type { Signature, Signer } from '@sigstore/sign';
import { EphemeralKey, ReusedCertificateSigner } from './certificate-reuse';
import { parseAnnotations } from './image-sign.command';
import { parseFormats } from './image-signing-run';

/** A stand-in for FulcioSigner: signs with `key` and counts the certificates it asked for. */
function certifying(key: Signer, fail = false) {
  const calls = { certificates: 0 };
  const signer: Signer = {
    sign: async (data: Buffer): Promise<Signature> => {
      calls.certificates++;
      if (fail) throw new Error('(403) denied');
      const { signature } = await key.sign(data);
      return { signature, key: { $case: 'x509Certificate', certificate: 'CERT PEM' } };
    },
  };
  return { signer, calls };
}

describe(ReusedCertificateSigner.name, () => {
  it('asks for one certificate and signs every payload with the same key', async () => {
    const key = new EphemeralKey();
    const { signer: ca, calls } = certifying(key);
    const signer = new ReusedCertificateSigner(ca, key);
    const payloads = ['one', 'two', 'three'].map((t) => Buffer.from(t));
    const signatures = await Promise.all(payloads.map((p) => signer.sign(p)));
    expect(calls.certificates).toBe(1);
    const publicKey = await key.sign(Buffer.from('x'));
    if (publicKey.key.$case !== 'publicKey') throw new Error('unreachable');
    const pem = createPublicKey(publicKey.key.publicKey);
    signatures.forEach((s, i) => {
      expect(s.key).toEqual({ $case: 'x509Certificate', certificate: 'CERT PEM' });
      expect(verify('sha256', payloads[i]!, pem, s.signature)).toBe(true);
    });
  });

  it('fails every call when the CA refuses, without an unhandled rejection', async () => {
    const key = new EphemeralKey();
    const signer = new ReusedCertificateSigner(certifying(key, true).signer, key);
    await expect(signer.sign(Buffer.from('a'))).rejects.toThrow('(403) denied');
    await expect(signer.sign(Buffer.from('b'))).rejects.toThrow('(403) denied');
  });
});

describe(parseAnnotations.name, () => {
  it('reads KEY=VALUE flags and refuses the rest as bad usage', () => {
    expect(parseAnnotations(['git-sha=abc', 'note=a=b', 'empty='])).toEqual({
      'git-sha': 'abc',
      note: 'a=b',
      empty: '',
    });
    expect(() => parseAnnotations(['novalue'])).toThrow('-a "novalue": expected KEY=VALUE');
    expect(() => parseAnnotations(['=v'])).toThrow('expected KEY=VALUE');
    expect(() => parseAnnotations(['k=1', 'k=2'])).toThrow('-a k: given twice');
  });
});

describe(parseFormats.name, () => {
  it('defaults to both and refuses unknown formats', () => {
    expect(parseFormats(undefined)).toEqual({ bundle: true, legacy: true });
    expect(parseFormats('bundle')).toEqual({ bundle: true, legacy: false });
    expect(parseFormats('legacy')).toEqual({ bundle: false, legacy: true });
    expect(() => parseFormats('cosign')).toThrow('--format must be bundle, legacy or both');
  });
});
