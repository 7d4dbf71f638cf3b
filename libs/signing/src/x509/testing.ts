import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { digestOf, type SignatureAlgorithm, type Signer } from '../signer';
import { buildIntermediateCertificate, buildRootCertificate } from './ca';
import type { IssuerInput } from './issue';
import type { LeafCertificateRequest } from './leaf';
import { FulcioOid } from './oids';

/**
 * Test and benchmark helpers: not exported from the x509 barrel. A {@link Signer} over an
 * in-memory Node key, and a small root → intermediate PKI.
 */

/** A fresh key pair for `algorithm` (P-256, P-384, Ed25519 or RSA-2048). */
export function generateKeyPair(algorithm: SignatureAlgorithm): {
  publicKey: KeyObject;
  privateKey: KeyObject;
} {
  switch (algorithm) {
    case 'ecdsa-p256-sha256':
      return generateKeyPairSync('ec', { namedCurve: 'P-256' });
    case 'ecdsa-p384-sha384':
      return generateKeyPairSync('ec', { namedCurve: 'P-384' });
    case 'ed25519':
      return generateKeyPairSync('ed25519');
    case 'rsa-pkcs1-sha256':
      return generateKeyPairSync('rsa', { modulusLength: 2048 });
  }
}

/** A Signer over a Node private key; ECDSA signatures are DER, as the Signer contract requires. */
export function keySigner(
  algorithm: SignatureAlgorithm,
  privateKey: KeyObject,
  publicKey: KeyObject,
): Signer {
  return {
    algorithm,
    publicKey,
    sign: (data) =>
      Promise.resolve(
        new Uint8Array(sign(digestOf(algorithm), data, { key: privateKey, dsaEncoding: 'der' })),
      ),
  };
}

/** A Signer with a fresh key for `algorithm`. */
export function testSigner(algorithm: SignatureAlgorithm): Signer {
  const { publicKey, privateKey } = generateKeyPair(algorithm);
  return keySigner(algorithm, privateKey, publicKey);
}

/** A root and an intermediate CA, with their signers. */
export interface TestPki {
  readonly rootSigner: Signer;
  /** The root's private key, for tests that sign with other libraries. */
  readonly rootPrivateKey: KeyObject;
  readonly root: Uint8Array;
  readonly intermediateSigner: Signer;
  readonly intermediate: Uint8Array;
  readonly notBefore: Date;
  readonly notAfter: Date;
}

/**
 * A root (default P-256) and a Fulcio-style intermediate (default P-384, pathlen 0, EKU
 * codeSigning) valid from `now` - 1 day to `now` + 1 day.
 */
export async function testPki(
  options: { root?: SignatureAlgorithm; intermediate?: SignatureAlgorithm; now?: Date } = {},
): Promise<TestPki> {
  const now = options.now ?? new Date();
  const notBefore = new Date(now.getTime() - 86_400_000);
  const notAfter = new Date(now.getTime() + 86_400_000);
  const rootAlgorithm = options.root ?? 'ecdsa-p256-sha256';
  const rootKeys = generateKeyPair(rootAlgorithm);
  const rootSigner = keySigner(rootAlgorithm, rootKeys.privateKey, rootKeys.publicKey);
  const intermediateSigner = testSigner(options.intermediate ?? 'ecdsa-p384-sha384');
  const root = await buildRootCertificate({
    signer: rootSigner,
    subject: { organization: 'Signet', commonName: 'Signet Test Root' },
    notBefore,
    notAfter,
  });
  const intermediate = await buildIntermediateCertificate({
    issuer: root,
    issuerSigner: rootSigner,
    subject: { organization: 'Signet', commonName: 'Signet Test Intermediate' },
    subjectPublicKey: intermediateSigner.publicKey,
    notBefore,
    notAfter,
  });
  return {
    rootSigner,
    rootPrivateKey: rootKeys.privateKey,
    root,
    intermediateSigner,
    intermediate,
    notBefore,
    notAfter,
  };
}

/**
 * A Fulcio-style leaf request under the PKI's intermediate: fresh P-256 subject key, email SAN,
 * issuer (.1 and .8) and token-subject extensions, valid ten minutes from `notBefore`; any field
 * can be overridden.
 */
export function testLeafRequest(
  pki: { readonly intermediate: IssuerInput; readonly intermediateSigner: Signer },
  notBefore: Date,
  overrides: Partial<LeafCertificateRequest> = {},
): LeafCertificateRequest {
  return {
    issuer: pki.intermediate,
    issuerSigner: pki.intermediateSigner,
    subjectPublicKey: testSigner('ecdsa-p256-sha256').publicKey,
    subjectAltName: { type: 'email', value: 'dev@example.com' },
    extensions: {
      [FulcioOid.issuerV2]: 'https://accounts.example.com',
      [FulcioOid.issuer]: 'https://accounts.example.com',
      [FulcioOid.tokenSubject]: 'user-1234',
    },
    notBefore,
    notAfter: new Date(notBefore.getTime() + 10 * 60_000),
    ...overrides,
  };
}
