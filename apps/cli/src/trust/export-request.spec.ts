import { exportRequestFrom } from './export-request';

const identity = {
  'certificate-identity': 'alice@example.com',
  'certificate-oidc-issuer': 'https://idp.example.com',
};

describe(exportRequestFrom.name, () => {
  it('defaults the name to signet and the image pattern to every image', () => {
    expect(exportRequestFrom({ format: 'kyverno', ...identity })).toEqual({
      format: 'kyverno',
      name: 'signet',
      subject: { kind: 'exact', value: 'alice@example.com' },
      issuer: { kind: 'exact', value: 'https://idp.example.com' },
      imagePattern: '**',
    });
  });

  it('anchors regexps as signet verify reads them', () => {
    const request = exportRequestFrom({
      format: 'policy-controller',
      'certificate-identity-regexp': '.*@example\\.com',
      'certificate-oidc-issuer': 'https://idp.example.com',
    });
    expect(request.subject).toEqual({ kind: 'regexp', pattern: '^(?:.*@example\\.com)$' });
  });

  it.each([
    [{ ...identity }, '--format is required: policy-controller, kyverno, containers-policy'],
    [
      { ...identity, format: 'gatekeeper' },
      '--format must be one of policy-controller, kyverno, containers-policy, got "gatekeeper"',
    ],
    [
      { ...identity, format: 'kyverno', name: 'Signet_1' },
      '--name must be a Kubernetes object name (lower-case letters, digits, - and .), got "Signet_1"',
    ],
    [
      { ...identity, format: 'kyverno', 'image-pattern': 'registry.example.com/[a-z]' },
      '--image-pattern must be a glob of letters, digits and - _ : / . @ with * (one path segment) or ** (any), got "registry.example.com/[a-z]"',
    ],
    [
      { format: 'kyverno', 'certificate-oidc-issuer': 'https://idp.example.com' },
      '--certificate-identity or --certificate-identity-regexp is required: the export says who must have signed',
    ],
    [
      { ...identity, format: 'kyverno', 'certificate-oidc-issuer-regexp': '.*' },
      'give --certificate-oidc-issuer or --certificate-oidc-issuer-regexp, not both',
    ],
  ])('refuses bad usage (64): %j', (values, message) => {
    expect(() => exportRequestFrom(values)).toThrow(
      expect.objectContaining({ exitCode: 64, message }),
    );
  });

  it('refuses (64) a regexp Go would read otherwise or not at all', () => {
    expect(() =>
      exportRequestFrom({
        format: 'kyverno',
        'certificate-identity-regexp': 'alice(?=@)',
        'certificate-oidc-issuer': 'https://idp.example.com',
      }),
    ).toThrow(
      expect.objectContaining({
        exitCode: 64,
        message: expect.stringMatching(
          /^--certificate-identity-regexp: not a regular expression both RE2 \(Go\) and signet read: /,
        ),
      }),
    );
  });
});
