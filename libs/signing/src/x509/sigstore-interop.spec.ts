import { X509Certificate as SigstoreCertificate } from '@sigstore/core';
import type { TrustMaterial } from '@sigstore/verify';
import { ctLogId, precertEntry, signSct } from './ct';
import { buildLeaf } from './leaf';
import { FulcioOid } from './oids';
import { testPki, testSigner, type TestPki } from './testing';
import type { Signer } from '../signer';

// Not exported from the package index: the key-level verifiers sigstore-js runs on every bundle
// (packages/verify/src/key/{index,sct,certificate}.ts).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { verifyCertificate } = require('@sigstore/verify/dist/key') as {
  verifyCertificate(
    leaf: SigstoreCertificate,
    timestamps: Date[],
    trust: TrustMaterial,
  ): {
    scts: Buffer[];
    signer: { identity: { subjectAlternativeName?: string; extensions?: { issuer?: string } } };
  };
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { verifySCTs } = require('@sigstore/verify/dist/key/sct') as {
  verifySCTs(
    cert: SigstoreCertificate,
    issuer: SigstoreCertificate,
    logs: TrustMaterial['ctlogs'],
  ): Buffer[];
};

const now = new Date('2026-03-01T12:00:00Z');
const forever = { start: new Date('2000-01-01'), end: new Date('2999-01-01') };

function trust(pki: TestPki, ctLogs: Signer[]): TrustMaterial {
  return {
    certificateAuthorities: [
      {
        certChain: [
          SigstoreCertificate.parse(Buffer.from(pki.intermediate)),
          SigstoreCertificate.parse(Buffer.from(pki.root)),
        ],
        validFor: forever,
      },
    ],
    timestampAuthorities: [],
    tlogs: [],
    ctlogs: ctLogs.map((log) => ({
      logID: Buffer.from(ctLogId(log.publicKey)),
      baseURL: 'http://ct.test',
      publicKey: log.publicKey,
      validFor: forever,
    })),
    publicKey: () => {
      throw new Error('no keys');
    },
  };
}

async function embeddedFlow(pki: TestPki, logs: Signer[]) {
  const template = buildLeaf({
    issuer: pki.intermediate,
    issuerSigner: pki.intermediateSigner,
    subjectPublicKey: testSigner('ecdsa-p256-sha256').publicKey,
    subjectAltName: {
      type: 'uri',
      value: 'https://github.com/org/repo/.github/workflows/release.yml@refs/tags/v1',
    },
    extensions: {
      [FulcioOid.issuer]: 'https://token.actions.githubusercontent.com',
      [FulcioOid.issuerV2]: 'https://token.actions.githubusercontent.com',
      [FulcioOid.sourceRepositoryUri]: 'https://github.com/org/repo',
    },
    notBefore: now,
    notAfter: new Date(now.getTime() + 600_000),
  });
  // What the CT log does on add-pre-chain: derive the entry from the precertificate alone.
  const precertificate = await template.precertificate();
  const entry = precertEntry(precertificate, pki.intermediate);
  const scts = await Promise.all(
    logs.map((log) => signSct(log, { timestamp: BigInt(now.getTime() + 1000), entry })),
  );
  return template.certificate(scts.length > 0 ? scts : undefined);
}

describe(`${buildLeaf.name} + ${signSct.name} under @sigstore/verify`, () => {
  let pki: TestPki;
  beforeAll(async () => {
    pki = await testPki({ now });
  });

  it('verifies chain, SCTs and identity with @sigstore/verify verifyCertificate', async () => {
    const log = testSigner('ecdsa-p256-sha256');
    const leaf = SigstoreCertificate.parse(Buffer.from(await embeddedFlow(pki, [log])));
    const result = verifyCertificate(leaf, [new Date(now.getTime() + 5000)], trust(pki, [log]));
    expect(result.scts).toEqual([Buffer.from(ctLogId(log.publicKey))]);
    expect(result.signer.identity.subjectAlternativeName).toBe(
      'https://github.com/org/repo/.github/workflows/release.yml@refs/tags/v1',
    );
    expect(result.signer.identity.extensions?.issuer).toBe(
      'https://token.actions.githubusercontent.com',
    );
  });

  it('verifies every SCT of a certificate logged by two logs (P-256 and RSA)', async () => {
    const logs = [testSigner('ecdsa-p256-sha256'), testSigner('rsa-pkcs1-sha256')];
    const leaf = SigstoreCertificate.parse(Buffer.from(await embeddedFlow(pki, logs)));
    const issuer = SigstoreCertificate.parse(Buffer.from(pki.intermediate));
    expect(verifySCTs(leaf, issuer, trust(pki, logs).ctlogs)).toHaveLength(2);
  });

  it('works with an RSA intermediate under an RSA root', async () => {
    const rsa = await testPki({ now, root: 'rsa-pkcs1-sha256', intermediate: 'rsa-pkcs1-sha256' });
    const log = testSigner('ecdsa-p256-sha256');
    const leaf = SigstoreCertificate.parse(Buffer.from(await embeddedFlow(rsa, [log])));
    expect(verifyCertificate(leaf, [now], trust(rsa, [log])).scts).toHaveLength(1);
  });

  it('rejects an SCT whose precertificate entry used the wrong issuer key', async () => {
    const log = testSigner('ecdsa-p256-sha256');
    const template = buildLeaf({
      issuer: pki.intermediate,
      issuerSigner: pki.intermediateSigner,
      subjectPublicKey: testSigner('ecdsa-p256-sha256').publicKey,
      subjectAltName: { type: 'email', value: 'dev@example.com' },
      extensions: { [FulcioOid.issuerV2]: 'https://accounts.example.com' },
      notBefore: now,
      notAfter: new Date(now.getTime() + 600_000),
    });
    const entry = precertEntry(await template.precertificate(), pki.root);
    const sct = await signSct(log, { timestamp: BigInt(now.getTime()), entry });
    const leaf = SigstoreCertificate.parse(Buffer.from(await template.certificate([sct])));
    const issuer = SigstoreCertificate.parse(Buffer.from(pki.intermediate));
    expect(() => verifySCTs(leaf, issuer, trust(pki, [log]).ctlogs)).toThrow(
      'SCT verification failed',
    );
  });

  it('accepts a CT-disabled certificate (no SCT extension) with zero SCTs', async () => {
    const leaf = await embeddedFlow(pki, []);
    const parsed = SigstoreCertificate.parse(Buffer.from(leaf));
    expect(parsed.extSCT).toBeUndefined();
    expect(verifyCertificate(parsed, [now], trust(pki, [])).scts).toEqual([]);
  });
});
