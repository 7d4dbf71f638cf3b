import { X509Certificate } from 'node:crypto';
import {
  buildLeaf,
  certificateSignedBy as signedBy,
  parseCertificate,
  verifyChain,
  type ParsedCertificate,
} from '@app/signing';
import { testLeafRequest, testPki, type TestPki } from '@app/signing/x509/testing';
import { ChainVerifier } from './chain-verifier';

const b64 = (der: Uint8Array) => Buffer.from(der).toString('base64');
const DAY = 86_400_000;

describe(ChainVerifier.name, () => {
  let pki: TestPki;
  let root: ParsedCertificate;
  let intermediate: ParsedCertificate;
  let precertificate: ParsedCertificate;

  beforeAll(async () => {
    pki = await testPki();
    root = parseCertificate(pki.root);
    intermediate = parseCertificate(pki.intermediate);
    precertificate = parseCertificate(
      await buildLeaf(testLeafRequest(pki, new Date())).precertificate(),
    );
  });

  it('splits roots from intermediates and finds each certificate by DER and fingerprint', () => {
    const trust = new ChainVerifier([intermediate, root]);
    expect(trust.roots).toEqual([root]);
    expect(trust.intermediates).toEqual([intermediate]);
    expect(trust.certificateOf(b64(root.der))).toBe(root);
    expect(trust.certificateOf(b64(precertificate.der))).toBeUndefined();
    const hex = new X509Certificate(intermediate.der).fingerprint256.replaceAll(':', '');
    expect(trust.certificateWithFingerprint(hex.toLowerCase())).toBe(intermediate);
    expect(trust.has(parseCertificate(pki.intermediate))).toBe(true);
    expect(trust.has(precertificate)).toBe(false);
  });

  it("returns verifyChain's path above an issuer, and the same path again from memory", () => {
    const trust = new ChainVerifier([root, intermediate]);
    const at = precertificate.notBefore;
    const expected = verifyChain(intermediate.der, [intermediate], [root], at).map((c) => c.der);
    const first = trust.issuerPath(intermediate, [intermediate, root], at);
    expect(first.map((c) => c.der)).toEqual(expected);
    const again = trust.issuerPath(intermediate, [intermediate, root], at);
    expect(again.map((c) => c.der)).toEqual(expected);
    // From memory: the same certificate objects, not a new parse.
    expect(again[0]).toBe(first[0]);
  });

  it('checks the validity of a remembered path again at every other time', () => {
    const trust = new ChainVerifier([root, intermediate]);
    trust.issuerPath(intermediate, [], precertificate.notBefore);
    const late = new Date(intermediate.notAfter.getTime() + DAY);
    const early = new Date(root.notBefore.getTime() - DAY);
    for (const at of [late, early]) {
      const message = messageOf(() => verifyChain(intermediate.der, [], [root], at));
      expect(() => trust.issuerPath(intermediate, [], at)).toThrow(message);
    }
    expect(messageOf(() => trust.issuerPath(intermediate, [], late))).toMatch(/expired at/);
  });

  it('refuses a path that reaches no root, from memory or not', () => {
    const trust = new ChainVerifier([intermediate]);
    for (let i = 0; i < 2; i++) {
      expect(() => trust.issuerPath(intermediate, [], precertificate.notBefore)).toThrow(
        expect.objectContaining({ code: 'INVALID_CHAIN' }),
      );
    }
  });

  it('remembers which CA certificate signs which, and checks other certificates each time', () => {
    const trust = new ChainVerifier([root, intermediate]);
    expect(trust.signedBy(intermediate, root)).toBe(true);
    expect(trust.signedBy(intermediate, root)).toBe(true);
    expect(trust.signedBy(root, intermediate)).toBe(false);
    expect(trust.signedBy(precertificate, intermediate)).toBe(true);
    expect(trust.signedBy(precertificate, root)).toBe(false);
  });
});

describe(signedBy.name, () => {
  let pki: TestPki;
  let intermediate: ParsedCertificate;
  let precertificate: ParsedCertificate;

  beforeAll(async () => {
    pki = await testPki();
    intermediate = parseCertificate(pki.intermediate);
    precertificate = parseCertificate(
      await buildLeaf(testLeafRequest(pki, new Date())).precertificate(),
    );
  });

  it('agrees with OpenSSL on a good signature', () => {
    expect(signedBy(precertificate, intermediate)).toBe(true);
    expect(new X509Certificate(precertificate.der).verify(intermediate.publicKey)).toBe(true);
  });

  it('refuses a tampered signature, another issuer name and another key', async () => {
    const signature = Buffer.from(precertificate.signatureValue);
    signature[signature.length - 1]! ^= 1;
    expect(signedBy({ ...precertificate, signatureValue: signature }, intermediate)).toBe(false);
    const other = await testPki();
    const otherIntermediate = parseCertificate(other.intermediate);
    // Same issuer name in both test PKIs, another key.
    expect(otherIntermediate.subject).toEqual(intermediate.subject);
    expect(signedBy(precertificate, otherIntermediate)).toBe(false);
    expect(signedBy(precertificate, parseCertificate(pki.root))).toBe(false);
  });
});

function messageOf(run: () => unknown): string {
  try {
    run();
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected a throw');
}
