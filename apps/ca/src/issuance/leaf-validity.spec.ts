import { leafValidity } from './leaf-validity';

const at = (iso: string) => new Date(iso);
const chain = (...ranges: [string, string][]) =>
  ranges.map(([notBefore, notAfter]) => ({ notBefore: at(notBefore), notAfter: at(notAfter) }));

describe(leafValidity.name, () => {
  const now = at('2026-03-01T12:00:00.750Z');
  const valid = chain(
    ['2026-01-01T00:00:00Z', '2027-01-01T00:00:00Z'],
    ['2025-01-01T00:00:00Z', '2035-01-01T00:00:00Z'],
  );

  it('starts at the current whole second and lasts the granted lifetime', () => {
    expect(leafValidity(now, 600, valid)).toEqual({
      notBefore: at('2026-03-01T12:00:00Z'),
      notAfter: at('2026-03-01T12:10:00Z'),
    });
  });

  // Security review L4: a leaf could outlive its issuing certificate, and an expired
  // intermediate kept issuing certificates that never verify.
  it('ends no later than any certificate of the issuing chain', () => {
    const ending = chain(
      ['2026-01-01T00:00:00Z', '2026-03-01T12:05:00Z'],
      ['2025-01-01T00:00:00Z', '2035-01-01T00:00:00Z'],
    );
    expect(leafValidity(now, 600, ending).notAfter).toEqual(at('2026-03-01T12:05:00Z'));
    const rootEnding = chain(
      ['2026-01-01T00:00:00Z', '2027-01-01T00:00:00Z'],
      ['2025-01-01T00:00:00Z', '2026-03-01T12:01:00Z'],
    );
    expect(leafValidity(now, 600, rootEnding).notAfter).toEqual(at('2026-03-01T12:01:00Z'));
  });

  it('refuses (UNAVAILABLE) when a chain certificate has expired or is not yet valid', () => {
    const expired = chain(
      ['2025-01-01T00:00:00Z', '2026-03-01T11:59:59Z'],
      ['2025-01-01T00:00:00Z', '2035-01-01T00:00:00Z'],
    );
    expect(() => leafValidity(now, 600, expired)).toThrow(
      expect.objectContaining({
        code: 'UNAVAILABLE',
        message:
          'the CA cannot issue: certificate 0 of its chain is valid from 2025-01-01T00:00:00.000Z to 2026-03-01T11:59:59.000Z',
      }),
    );
    const early = chain(
      ['2026-01-01T00:00:00Z', '2027-01-01T00:00:00Z'],
      ['2026-03-02T00:00:00Z', '2035-01-01T00:00:00Z'],
    );
    expect(() => leafValidity(now, 600, early)).toThrow(
      'the CA cannot issue: certificate 1 of its chain is valid from 2026-03-02T00:00:00.000Z to 2035-01-01T00:00:00.000Z',
    );
  });
});
