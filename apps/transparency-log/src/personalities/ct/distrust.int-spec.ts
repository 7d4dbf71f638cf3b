import type { DataSource } from 'typeorm';
import { buildLeaf, parseCertificate } from '@app/signing';
import { caCertificateFingerprint, distrustCaCertificate, recordCaCertificate } from '@app/schema';
import { testLeafRequest, testPki, type TestPki } from '@app/signing/x509/testing';
import { createTestDatabase, type TestDatabase } from '@app/testing/database';
import { LogError } from '../../errors';
import { openLogDataSource } from '../../core/testing';
import { CaCertificateRepository } from '../../core/trust/ca-certificate.repository';
import { InstanceCas } from '../../core/trust/instance-cas';
import { WritePolicy } from '../../core/trust/write-policy';
import { verifySubmittedChain } from './ct-chain';
import { CtError } from './ct.errors';

const NOW = new Date('2026-11-22T12:00:00Z');

/** M7: a CA certificate the administrator distrusts stops counting, for writes and for CT. */
describe('distrusting a CA certificate', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let pki: TestPki;
  let cas: InstanceCas;
  let policy: WritePolicy;

  beforeAll(async () => {
    db = await createTestDatabase();
    pki = await testPki({ now: NOW });
    for (const [der, isRoot] of [
      [pki.intermediate, false],
      [pki.root, true],
    ] as const) {
      const c = parseCertificate(der);
      await recordCaCertificate(await openAdmin(), {
        der,
        isRoot,
        notBefore: c.notBefore,
        notAfter: c.notAfter,
      });
    }
    // The log reads as its own role, as in production.
    dataSource = await openLogDataSource(await db.appUrl('signet_log'), 'signet-test-distrust');
    const settings = {
      trustedCertificates: [],
      allowedKeyFingerprints: [],
      instanceCaRoots: undefined,
    };
    cas = new InstanceCas(new CaCertificateRepository(dataSource), settings);
    policy = new WritePolicy(settings, cas);
  });
  afterAll(async () => {
    await dataSource.destroy();
    await admin?.destroy();
    await db.drop();
  });

  let admin: DataSource | undefined;
  async function openAdmin(): Promise<DataSource> {
    admin ??= await openLogDataSource(db.url, 'signet-test-distrust-admin');
    return admin;
  }

  const outcome = (p: Promise<unknown>) =>
    p.then(
      () => 'allowed',
      (err: unknown) => (err instanceof LogError || err instanceof CtError ? err.code : err),
    );

  it('refuses chains through a distrusted certificate, for writes and CT, and still resolves it', async () => {
    const leaf = parseCertificate(await buildLeaf(testLeafRequest(pki, NOW)).certificate());
    const intermediate = parseCertificate(pki.intermediate);
    const write = () => policy.check([{ publicKey: leaf.publicKey, certificate: leaf }], NOW);
    const ct = async () =>
      verifySubmittedChain([leaf, intermediate], 'certificate', await cas.verifier());
    expect(await outcome(write())).toBe('allowed');
    expect(await outcome(ct())).toBe('allowed');

    const fingerprint = caCertificateFingerprint(pki.intermediate);
    expect(await distrustCaCertificate(await openAdmin(), fingerprint, 'compromised')).toBe(
      'distrusted',
    );
    expect(await distrustCaCertificate(await openAdmin(), fingerprint, 'again')).toBe('already');
    expect(await distrustCaCertificate(await openAdmin(), 'ab'.repeat(32), 'x')).toBe('unknown');

    // Every log process re-reads within seconds.
    const later = Date.now() + 6_000;
    const clock = jest.spyOn(Date, 'now').mockReturnValue(later);
    try {
      expect(await outcome(write())).toBe('NOT_AUTHORIZED');
      expect(await outcome(ct())).toBe('UNTRUSTED_CHAIN');
      // Entries logged before still name it, so it still resolves.
      expect(await cas.certificate(Buffer.from(fingerprint, 'hex'))).toEqual(
        Buffer.from(pki.intermediate),
      );
      expect((await cas.verifier()).roots.map((r) => Buffer.from(r.der))).toEqual([
        Buffer.from(pki.root),
      ]);
    } finally {
      clock.mockRestore();
    }
  });

  it('is append-only, and the log role cannot distrust or trust again', async () => {
    await expect(db.query('DELETE FROM ca_certificate_distrust')).rejects.toThrow(/append-only/);
    await expect(
      dataSource.query(
        "INSERT INTO ca_certificate_distrust (fingerprint, reason) VALUES (repeat('a', 64), 'x')",
      ),
    ).rejects.toThrow('permission denied for table ca_certificate_distrust');
  });
});
