import { createPublicKey } from 'node:crypto';
import {
  buildLeaf,
  certificatesToPem,
  fingerprintOf,
  generateKeyPair,
  publicKeyToPem,
} from '@app/signing';
import { testLeafRequest, testPki, type TestPki } from '@app/signing/x509/testing';
import { b64, entryErrorOf } from './testing';
import { checkSuppliedChain, parseVerifierMaterial } from './verifier-material';

const PATH = 'spec.signature.publicKey.content';

describe(parseVerifierMaterial.name, () => {
  let pki: TestPki;
  const now = new Date();

  beforeAll(async () => {
    pki = await testPki({ now });
  });

  const leafPem = async (subjectPublicKey: ReturnType<typeof createPublicKey>) =>
    certificatesToPem([
      await buildLeaf(
        testLeafRequest(pki, now, {
          subjectPublicKey,
          subjectAltName: { type: 'email', value: 'Dev@Example.com' },
        }),
      ).certificate(),
    ]);

  it("indexes a certificate's key under the fingerprint of its SPKI", async () => {
    for (const algorithm of ['ecdsa-p256-sha256', 'ecdsa-p384-sha384'] as const) {
      const { publicKey } = generateKeyPair(algorithm);
      const material = parseVerifierMaterial(b64(await leafPem(publicKey)), PATH);
      expect(material.algorithm).toBe(algorithm);
      expect(material.indexKeys).toEqual([
        `key:${fingerprintOf(publicKey)}`,
        'email:dev@example.com',
      ]);
    }
  });

  it('indexes a bare key under its fingerprint', () => {
    for (const algorithm of ['ecdsa-p384-sha384', 'ed25519', 'rsa-pkcs1-sha256'] as const) {
      const { publicKey } = generateKeyPair(algorithm, 2048);
      const material = parseVerifierMaterial(b64(publicKeyToPem(publicKey)), PATH);
      expect(material.algorithm).toBe(algorithm);
      expect(material.indexKeys).toEqual([`key:${fingerprintOf(publicKey)}`]);
      expect(material.canonicalPem).toBe(publicKeyToPem(publicKey));
    }
  });

  it('refuses a certificate whose key is a compressed EC point', async () => {
    const jwk = generateKeyPair('ecdsa-p256-sha256').publicKey.export({ format: 'jwk' });
    const odd = Buffer.from(jwk.y!, 'base64url').at(-1)! & 1;
    const compressed = createPublicKey({
      key: Buffer.concat([
        Buffer.from('3039301306072a8648ce3d020106082a8648ce3d030107032200', 'hex'),
        Buffer.of(2 + odd),
        Buffer.from(jwk.x!, 'base64url'),
      ]),
      format: 'der',
      type: 'spki',
    });
    const pem = await leafPem(compressed);
    expect(entryErrorOf(() => parseVerifierMaterial(b64(pem), PATH))).toMatchObject({
      code: 'INVALID_VERIFIER',
      message: `${PATH}: public key is not in canonical SPKI form (compressed EC point?)`,
    });
  });
});

describe(checkSuppliedChain.name, () => {
  it('accepts a chain that verifies, and refuses one that does not only when asked', async () => {
    const now = new Date();
    const pki = await testPki({ now });
    const other = await testPki({ now });
    const leaf = await buildLeaf(testLeafRequest(pki, now)).certificate();
    const good = parseVerifierMaterial(
      b64(certificatesToPem([leaf, pki.intermediate, pki.root])),
      PATH,
    );
    expect(() => checkSuppliedChain(good, PATH)).not.toThrow();
    // Parsing verifies no signature: the wrong chain is found out by the check alone.
    const wrong = parseVerifierMaterial(
      b64(certificatesToPem([leaf, other.intermediate, other.root])),
      PATH,
    );
    expect(entryErrorOf(() => checkSuppliedChain(wrong, PATH))).toMatchObject({
      code: 'INVALID_VERIFIER',
      message: expect.stringMatching(/^spec\.signature\.publicKey\.content: /) as unknown,
    });
  });
});
