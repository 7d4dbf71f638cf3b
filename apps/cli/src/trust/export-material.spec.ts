import { generateKeyPairSync } from 'node:crypto';
import { certificatesToPem } from '@app/signing';
import { testPki } from '@app/signing/x509/testing';
import { exportableTrust, keyType, sctKeys, setKeys } from './export-material';
import { ed25519, fixtureRoot, p256, p384, pemOf } from './export-root.fixture';

describe(exportableTrust.name, () => {
  it('exports every CA chain (issuing certificate first) and every open-ended log key as PEM', async () => {
    const tlog = p256();
    const ct = p256();
    const { root, pkis } = await fixtureRoot({ tlogs: [{ key: tlog }], ctlogs: [{ key: ct }] });
    const trust = exportableTrust(root);
    expect(trust.authorities).toEqual([
      {
        subject: { organization: 'Signet', commonName: 'Signet Test Root' },
        uri: 'https://ca.example.com',
        chainPem: certificatesToPem([pkis[0]!.pki.intermediate, pkis[0]!.pki.root]),
      },
    ]);
    expect(trust.tlogs).toEqual([
      { baseUrl: 'https://log.example.com', publicKeyPem: pemOf(tlog), type: 'ECDSA P-256' },
    ]);
    expect(trust.ctlogs).toEqual([
      { baseUrl: 'https://log.example.com/ct', publicKeyPem: pemOf(ct), type: 'ECDSA P-256' },
    ]);
    expect(trust.leftOut).toEqual([]);
  });

  it('keeps a retired CA whose window ends when its certificates expire, not one cut short', async () => {
    const retired = await testPki();
    const cut = await testPki();
    const { root } = await fixtureRoot({
      pkis: [
        { pki: await testPki() },
        { pki: retired, end: retired.notAfter.toISOString() },
        { pki: cut, end: new Date(cut.notAfter.getTime() - 1000).toISOString() },
      ],
    });
    const trust = exportableTrust(root);
    expect(trust.authorities).toHaveLength(2);
    expect(trust.authorities[1]!.chainPem).toBe(
      certificatesToPem([retired.intermediate, retired.root]),
    );
    expect(trust.leftOut).toEqual([
      expect.stringMatching(
        /^CA O=Signet, CN=Signet Test Intermediate \(https:\/\/ca\.example\.com\): its validFor ends at .*, before its certificates expire, and the export cannot say so$/,
      ),
    ]);
  });

  it('leaves out a log key whose every entry has ended, and one whose log ID is not its hash', async () => {
    const reused = p256();
    const { root } = await fixtureRoot({
      tlogs: [
        { key: reused, end: '2026-02-01T00:00:00Z' },
        { key: reused }, // the same key on a newer tree: still trusted
        { key: p256(), end: '2026-02-01T00:00:00Z', baseUrl: 'https://old.example.com' },
        { key: p256(), logId: Buffer.alloc(32), baseUrl: 'https://odd.example.com' },
      ],
    });
    const trust = exportableTrust(root);
    expect(trust.tlogs.map((t) => t.publicKeyPem)).toEqual([pemOf(reused)]);
    expect(trust.leftOut).toEqual([
      'transparency log key of https://odd.example.com: its log ID is not the SHA-256 of its key',
      'transparency log key of https://old.example.com: its validFor ended at 2026-02-01T00:00:00.000Z, and the export cannot say so',
    ]);
  });

  it('refuses (exit 2) a root with no exportable CA', async () => {
    const pki = await testPki();
    const { root } = await fixtureRoot({ pkis: [{ pki, end: pki.notBefore.toISOString() }] });
    expect(() => exportableTrust(root)).toThrow(
      expect.objectContaining({
        exitCode: 2,
        code: 'UNSUPPORTED_BY_VERIFIER',
        message: expect.stringMatching(/^the trusted root has no CA chain that can be exported/),
      }),
    );
  });
});

describe(keyType.name, () => {
  it('names the key types verifiers care about', () => {
    const der = (k: ReturnType<typeof p256>) => k.export({ type: 'spki', format: 'der' });
    expect(keyType(der(p256()))).toBe('ECDSA P-256');
    expect(keyType(der(p384()))).toBe('ECDSA P-384');
    expect(keyType(der(ed25519()))).toBe('Ed25519');
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey;
    expect(keyType(der(rsa))).toBe('RSA 2048');
    expect(keyType(Buffer.from('not a key'))).toBeUndefined();
  });
});

describe(setKeys.name, () => {
  it('keeps ECDSA P-256 keys only, noting the others', async () => {
    const { root } = await fixtureRoot({
      tlogs: [{ key: ed25519(), baseUrl: 'https://v2.example.com' }, { key: p256() }],
    });
    const leftOut: string[] = [];
    expect(setKeys(exportableTrust(root), 'Kyverno', leftOut)).toHaveLength(1);
    expect(leftOut).toEqual([
      'Ed25519 key of https://v2.example.com: Kyverno checks the signed entry timestamps of legacy image signatures with ECDSA P-256 keys only (LOG_KEY)',
    ]);
  });

  it("keeps only the keys at the instance's log URL when it is listed: Rekor v2 shards write no SETs", async () => {
    const v1 = p256();
    const { root } = await fixtureRoot({
      tlogs: [{ key: v1 }, { key: p256(), baseUrl: 'https://shard.example.com' }],
    });
    const trust = exportableTrust(root);
    const leftOut: string[] = [];
    expect(setKeys(trust, 'Kyverno', leftOut, 'https://log.example.com/')).toEqual([
      { baseUrl: 'https://log.example.com', publicKeyPem: pemOf(v1), type: 'ECDSA P-256' },
    ]);
    expect(leftOut).toEqual([
      'ECDSA P-256 key of https://shard.example.com: legacy signatures get their SETs from https://log.example.com/',
    ]);
    // A log URL the root does not list (a local default) filters nothing.
    expect(setKeys(trust, 'Kyverno', [], 'http://127.0.0.1:3000')).toHaveLength(2);
  });

  it.each([
    ['Ed25519', ed25519],
    ['ECDSA P-384', p384],
  ])('refuses (exit 2) an instance whose only log key is %s', async (type, key) => {
    const { root } = await fixtureRoot({ tlogs: [{ key: key() }] });
    expect(() => setKeys(exportableTrust(root), 'policy-controller', [])).toThrow(
      expect.objectContaining({
        exitCode: 2,
        code: 'UNSUPPORTED_BY_VERIFIER',
        message: `policy-controller cannot verify signatures of this instance: it checks the signed entry timestamps of legacy image signatures with ECDSA P-256 keys only (LOG_KEY), and the trusted root has ${type} (https://log.example.com)`,
      }),
    );
  });
});

describe(sctKeys.name, () => {
  it('refuses (exit 2) an Ed25519 CT log key', async () => {
    const { root } = await fixtureRoot({ ctlogs: [{ key: ed25519() }] });
    expect(() => sctKeys(exportableTrust(root), 'Kyverno', [])).toThrow(
      expect.objectContaining({
        exitCode: 2,
        message: expect.stringContaining('and the trusted root has Ed25519'),
      }),
    );
  });

  it('refuses (exit 2) a root without CT log keys', async () => {
    const { root } = await fixtureRoot({ ctlogs: [] });
    expect(() => sctKeys(exportableTrust(root), 'Kyverno', [])).toThrow(
      expect.objectContaining({
        exitCode: 2,
        message: expect.stringContaining('and the trusted root has none'),
      }),
    );
  });
});
