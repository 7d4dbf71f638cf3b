import { createHash } from 'node:crypto';
import { predicateTypeOf, statementFor } from './statement';

describe(predicateTypeOf.name, () => {
  it.each([
    ['slsaprovenance', 'https://slsa.dev/provenance/v1'],
    ['spdxjson', 'https://spdx.dev/Document'],
    ['cyclonedx', 'https://cyclonedx.org/bom'],
    ['vuln', 'https://cosign.sigstore.dev/attestation/vuln/v1'],
    ['custom', 'https://cosign.sigstore.dev/attestation/v1'],
    ['SLSAProvenance', 'https://slsa.dev/provenance/v1'],
    ['https://example.com/predicate/v2', 'https://example.com/predicate/v2'],
    ['urn:acme:review', 'urn:acme:review'],
  ])('%s → %s', (type, uri) => expect(predicateTypeOf(type)).toBe(uri));

  it('rejects anything else as bad usage', () => {
    expect(() => predicateTypeOf('provenance')).toThrow(
      expect.objectContaining({
        exitCode: 64,
        message: expect.stringContaining('is neither slsaprovenance'),
      }),
    );
  });
});

describe(statementFor.name, () => {
  it('makes an in-toto v1 statement about the basename with the sha256 digest', () => {
    const data = Buffer.from('artifact');
    expect(statementFor('/tmp/out/app.tar.gz', data, 'https://x/y', { a: 1 })).toEqual({
      _type: 'https://in-toto.io/Statement/v1',
      subject: [
        { name: 'app.tar.gz', digest: { sha256: createHash('sha256').update(data).digest('hex') } },
      ],
      predicateType: 'https://x/y',
      predicate: { a: 1 },
    });
  });
});
