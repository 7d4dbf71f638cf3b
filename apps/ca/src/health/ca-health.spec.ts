import { expiryFinding } from './ca-health';

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
