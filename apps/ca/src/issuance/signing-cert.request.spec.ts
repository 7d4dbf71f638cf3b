import { parseSigningCertRequest } from './signing-cert.request';

describe(parseSigningCertRequest.name, () => {
  const credentials = { oidcIdentityToken: 'token-a' };

  it('reads a public-key request, leaving the key and proof for the service', () => {
    expect(
      parseSigningCertRequest({
        credentials,
        publicKeyRequest: { publicKey: { content: 'PEM' }, proofOfPossession: 'sig' },
      }),
    ).toEqual({ token: 'token-a', kind: 'publicKey', publicKey: 'PEM', proofOfPossession: 'sig' });
  });

  it('reads a CSR request, and takes the bearer token when the body has none', () => {
    expect(parseSigningCertRequest({ certificateSigningRequest: 'CSR' }, 'token-b')).toEqual({
      token: 'token-b',
      kind: 'csr',
      csr: 'CSR',
    });
  });

  it('prefers the token in the body over the bearer header', () => {
    expect(
      parseSigningCertRequest({ credentials, certificateSigningRequest: 'CSR' }, 'token-b').token,
    ).toBe('token-a');
  });

  it.each([
    [null, 'request body must be a JSON object'],
    [[], 'request body must be a JSON object'],
    ['text', 'request body must be a JSON object'],
    [
      { certificateSigningRequest: 'CSR' },
      'credentials.oidcIdentityToken (or an Authorization: Bearer header) is required',
    ],
    [
      { credentials: { oidcIdentityToken: 42 }, certificateSigningRequest: 'CSR' },
      'credentials.oidcIdentityToken (or an Authorization: Bearer header) is required',
    ],
    [
      { credentials: { oidcIdentityToken: '' }, certificateSigningRequest: 'CSR' },
      'credentials.oidcIdentityToken (or an Authorization: Bearer header) is required',
    ],
    [{ credentials }, 'exactly one of publicKeyRequest or certificateSigningRequest is required'],
    [
      { credentials, publicKeyRequest: {}, certificateSigningRequest: 'CSR' },
      'exactly one of publicKeyRequest or certificateSigningRequest is required',
    ],
  ])('refuses %j: %s', (body, message) => {
    expect(() => parseSigningCertRequest(body)).toThrow(
      expect.objectContaining({ code: 'INVALID_REQUEST', message }),
    );
  });
});
