import type { DataSource } from 'typeorm';
import { buildLeaf, parseCertificate } from '@app/signing';
import { caCertificateFingerprint, recordCaCertificate } from '@app/schema';
import { testLeafRequest, testPki, type TestPki } from '@app/signing/x509/testing';
import { createTestDatabase, type TestDatabase } from '@app/testing/database';
import { LogError } from '../../errors';
import { verifySubmittedChain } from './ct-chain';
import { CtError } from './ct.errors';
import { openLogDataSource } from '../../core/testing';
import { CaCertificateRepository } from '../../core/trust/ca-certificate.repository';
import { InstanceCas } from '../../core/trust/instance-cas';
import { WritePolicy } from '../../core/trust/write-policy';

const NOW = new Date('2026-11-22T12:00:00Z');

/**
 * M5: `ca_certificate` is written by the CA's role, so a root someone else put there (a bug in
 * the CA, a stolen database login) must not become a trust anchor of the log: with LOG_CA_ROOTS,
 * only pinned roots are.
 */
describe('the log pins the CA roots it trusts (LOG_CA_ROOTS)', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let instance: TestPki;
  let rogue: TestPki;

  beforeAll(async () => {
    db = await createTestDatabase();
    [instance, rogue] = await Promise.all([testPki({ now: NOW }), testPki({ now: NOW })]);
    const admin = await openLogDataSource(db.url, 'signet-test-pins-admin');
    try {
      for (const pki of [instance, rogue]) {
        for (const [der, isRoot] of [
          [pki.intermediate, false],
          [pki.root, true],
        ] as const) {
          const c = parseCertificate(der);
          await recordCaCertificate(admin, {
            der,
            isRoot,
            notBefore: c.notBefore,
            notAfter: c.notAfter,
          });
        }
      }
    } finally {
      await admin.destroy();
    }
    dataSource = await openLogDataSource(await db.appUrl('signet_log'), 'signet-test-pins');
  });
  afterAll(async () => {
    await dataSource.destroy();
    await db.drop();
  });

  /** What writes and CT decide for a leaf of `pki`, given the pinned roots. */
  async function outcomes(pki: TestPki, instanceCaRoots: ReadonlySet<string> | undefined) {
    const settings = { trustedCertificates: [], allowedKeyFingerprints: [], instanceCaRoots };
    const cas = new InstanceCas(new CaCertificateRepository(dataSource), settings);
    const policy = new WritePolicy(settings, cas);
    const leaf = parseCertificate(await buildLeaf(testLeafRequest(pki, NOW)).certificate());
    const outcome = (p: Promise<unknown>) =>
      p.then(
        () => 'allowed',
        (err: unknown) => (err instanceof LogError || err instanceof CtError ? err.code : err),
      );
    return {
      write: await outcome(policy.check([{ publicKey: leaf.publicKey, certificate: leaf }], NOW)),
      ct: await outcome(
        (async () =>
          verifySubmittedChain(
            [leaf, parseCertificate(pki.intermediate)],
            'certificate',
            await cas.verifier(),
          ))(),
      ),
      roots: (await cas.verifier()).roots.map((r) => caCertificateFingerprint(r.der)),
    };
  }

  it('trusts only the pinned root: a recorded root that is not pinned is refused for writes and CT', async () => {
    const pins = new Set([caCertificateFingerprint(instance.root)]);
    expect(await outcomes(instance, pins)).toEqual({
      write: 'allowed',
      ct: 'allowed',
      roots: [caCertificateFingerprint(instance.root)],
    });
    expect(await outcomes(rogue, pins)).toMatchObject({
      write: 'NOT_AUTHORIZED',
      ct: 'UNTRUSTED_CHAIN',
    });
  });

  it('without pins (development) every recorded root counts, as before', async () => {
    expect(await outcomes(rogue, undefined)).toMatchObject({ write: 'allowed', ct: 'allowed' });
  });
});
