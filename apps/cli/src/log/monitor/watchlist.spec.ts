import { createHash } from 'node:crypto';
import {
  buildLeaf,
  fingerprintOf,
  FulcioOid,
  generateKeyPair,
  parseCertificate,
} from '@app/signing';
import { testLeafRequest, testPki } from '@app/signing/x509/testing';
import { fieldMatcher } from '../../cli/config-fields';
import { matchMaterial, type Watchlist } from './watchlist';

const exact = (o: Record<string, string>, name: string) => fieldMatcher(o, name, 'test', [])!;
const none: Watchlist = { identities: [], digests: [], fingerprints: [], oids: [] };

describe(matchMaterial.name, () => {
  let certificate: Uint8Array;
  beforeAll(async () => {
    const pki = await testPki();
    certificate = await buildLeaf(
      testLeafRequest(pki, new Date(), {
        extensions: {
          [FulcioOid.issuerV2]: 'https://accounts.example.com',
          [FulcioOid.sourceRepositoryUri]: 'https://github.com/acme/app',
        },
      }),
    ).certificate();
  });
  const material = () => ({ certificates: [certificate], publicKeys: [], digests: [] });

  it('matches an identity by SAN and issuer, exact or anchored regexp', () => {
    const watch = (o: Record<string, string>) =>
      matchMaterial(
        {
          ...none,
          identities: [
            {
              subject: exact(o, 'subject'),
              ...(o.issuer || o.issuerRegExp ? { issuer: exact(o, 'issuer') } : {}),
            },
          ],
        },
        material(),
      );
    expect(watch({ subject: 'dev@example.com', issuer: 'https://accounts.example.com' })).toEqual([
      {
        watch: 'identity',
        matched: 'dev@example.com',
        identity: 'dev@example.com',
        issuer: 'https://accounts.example.com',
      },
    ]);
    expect(watch({ subjectRegExp: 'dev@.*' })).toHaveLength(1);
    expect(watch({ subjectRegExp: 'dev' })).toEqual([]); // anchored: the whole SAN must match
    expect(watch({ subject: 'dev@example.com', issuer: 'https://other.example.com' })).toEqual([]);
    expect(watch({ subject: 'bob@example.com' })).toEqual([]);
  });

  it('matches a certificate or key fingerprint, an extension value and a digest', () => {
    const keyFingerprint = fingerprintOf(parseCertificate(certificate).publicKey);
    const certFingerprint = createHash('sha256').update(certificate).digest('hex');
    const other = generateKeyPair('ecdsa-p256-sha256').publicKey;
    const found = matchMaterial(
      {
        identities: [],
        digests: [`sha256:${'a'.repeat(64)}`],
        fingerprints: [keyFingerprint, certFingerprint, fingerprintOf(other)],
        oids: [
          { oid: FulcioOid.sourceRepositoryUri, values: ['https://github.com/acme/app'] },
          { oid: FulcioOid.sourceRepositoryUri, values: ['https://github.com/acme/other'] },
        ],
      },
      {
        certificates: [certificate],
        publicKeys: [other],
        digests: [`sha256:${'a'.repeat(64)}`, `sha256:${'b'.repeat(64)}`],
      },
    );
    expect(found.map((m) => `${m.watch} ${m.matched}`).sort()).toEqual(
      [
        `digest sha256:${'a'.repeat(64)}`,
        `fingerprint ${certFingerprint}`,
        `fingerprint ${keyFingerprint}`,
        `fingerprint ${fingerprintOf(other)}`,
        `oid ${FulcioOid.sourceRepositoryUri}=https://github.com/acme/app`,
      ].sort(),
    );
    expect(matchMaterial(none, material())).toEqual([]);
  });
});
