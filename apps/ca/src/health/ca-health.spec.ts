import { describeCertificate, parseCertificate } from '@app/signing';
import { testPki } from '@app/signing/x509/testing';
import { chainFindings, expiryFinding } from './ca-health';

/** L4, L5d: what the CA's /healthz says of a certificate or TUF root that expires. */
describe(expiryFinding.name, () => {
  const now = new Date('2026-12-02T12:00:00Z');
  const days = (n: number) => new Date(now.getTime() + n * 86_400_000);

  it('fails once expired, warns within 30 days, and says nothing before', () => {
    expect(expiryFinding('TUF root version 3', days(-1), now)).toEqual({
      failure: 'TUF root version 3 expired at 2026-12-01T12:00:00.000Z',
    });
    expect(expiryFinding('TUF root version 3', days(10), now)).toEqual({
      warning: 'TUF root version 3 expires at 2026-12-12T12:00:00.000Z',
    });
    expect(expiryFinding('TUF root version 3', days(31), now)).toEqual({});
  });
});

describe(chainFindings.name, () => {
  const now = new Date('2026-12-02T12:00:00Z');

  it('names each certificate of a TSA chain that is expiring, expired or not yet valid', async () => {
    const pki = await testPki({ now });
    const leaf = {
      ...parseCertificate(pki.intermediate),
      notAfter: new Date('2026-12-10T00:00:00Z'),
    };
    const root = { ...parseCertificate(pki.root), notAfter: new Date('2036-01-01T00:00:00Z') };
    expect(chainFindings('TSA certificate', [leaf, root], now)).toEqual({
      failure: undefined,
      warning: `TSA certificate ${describeCertificate(leaf)} expires at 2026-12-10T00:00:00.000Z`,
    });
    const future = { ...root, notBefore: new Date('2027-01-01T00:00:00Z') };
    const expired = { ...leaf, notAfter: new Date('2026-12-01T00:00:00Z') };
    expect(chainFindings('TSA certificate', [expired, future], now)).toEqual({
      failure: `TSA certificate ${describeCertificate(expired)} expired at 2026-12-01T00:00:00.000Z; TSA certificate ${describeCertificate(future)} is not valid before 2027-01-01T00:00:00.000Z`,
      warning: undefined,
    });
    expect(chainFindings('TSA certificate', [root], now)).toEqual({
      failure: undefined,
      warning: undefined,
    });
  });
});
