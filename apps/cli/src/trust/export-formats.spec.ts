import { parse, parseAllDocuments } from 'yaml';
import { certificatesToPem } from '@app/signing';
import { containersPolicyExport, containersScope } from './export-containers-policy';
import { kyvernoExport } from './export-kyverno';
import { exportableTrust } from './export-material';
import { policyControllerExport } from './export-policy-controller';
import type { ExportRequest } from './export-request';
import { ed25519, fixtureRoot, p256, pemOf } from './export-root.fixture';

const ISSUER = 'https://idp.example.com';
const request = (overrides: Partial<ExportRequest> = {}): ExportRequest => ({
  format: 'policy-controller',
  name: 'signet',
  subject: { kind: 'exact', value: 'alice@example.com' },
  issuer: { kind: 'exact', value: ISSUER },
  imagePattern: 'registry.example.com/team/**',
  ...overrides,
});
const b64 = (text: string) => Buffer.from(text).toString('base64');

/** A root with a Rekor v1 key, an Ed25519 Rekor v2 shard key and a CT key, as the stack has. */
async function instance() {
  const rekor = p256();
  const ct = p256();
  const fixture = await fixtureRoot({
    tlogs: [{ key: rekor }, { key: ed25519(), baseUrl: 'https://shard.example.com' }],
    ctlogs: [{ key: ct }],
  });
  const pki = fixture.pkis[0]!.pki;
  const chainPem = certificatesToPem([pki.intermediate, pki.root]);
  return { trust: exportableTrust(fixture.root), rekor, ct, chainPem };
}

describe(policyControllerExport.name, () => {
  it('writes a TrustRoot with sigstoreKeys and a ClusterImagePolicy that trusts it', async () => {
    const { trust, rekor, ct, chainPem } = await instance();
    const out = policyControllerExport(
      trust,
      request({ subject: { kind: 'regexp', pattern: '^(?:.*@example\\.com)$' } }),
    );
    expect(out.files).toHaveLength(1);
    const [trustRoot, policy] = parseAllDocuments(out.files[0]!.text).map(
      (d) => d.toJS() as unknown,
    );
    expect(trustRoot).toEqual({
      apiVersion: 'policy.sigstore.dev/v1alpha1',
      kind: 'TrustRoot',
      metadata: { name: 'signet' },
      spec: {
        sigstoreKeys: {
          certificateAuthorities: [
            {
              subject: { organization: 'Signet', commonName: 'Signet Test Root' },
              uri: 'https://ca.example.com',
              certChain: b64(chainPem),
            },
          ],
          tLogs: [
            {
              baseURL: 'https://log.example.com',
              hashAlgorithm: 'sha-256',
              publicKey: b64(pemOf(rekor)),
            },
          ],
          ctLogs: [
            {
              baseURL: 'https://log.example.com/ct',
              hashAlgorithm: 'sha-256',
              publicKey: b64(pemOf(ct)),
            },
          ],
        },
      },
    });
    expect(policy).toEqual({
      apiVersion: 'policy.sigstore.dev/v1beta1',
      kind: 'ClusterImagePolicy',
      metadata: { name: 'signet' },
      spec: {
        images: [{ glob: 'registry.example.com/team/**' }],
        authorities: [
          {
            name: 'signet',
            keyless: {
              url: 'https://ca.example.com',
              trustRootRef: 'signet',
              identities: [{ issuer: ISSUER, subjectRegExp: '^(?:.*@example\\.com)$' }],
            },
            ctlog: { url: 'https://log.example.com', trustRootRef: 'signet' },
            signatureFormat: 'legacy',
          },
        ],
      },
    });
    expect(out.notes[0]).toBe(
      'left out Ed25519 key of https://shard.example.com: policy-controller checks the signed entry timestamps of legacy image signatures with ECDSA P-256 keys only (LOG_KEY)',
    );
  });

  it('lists the Rekor v1 log last, as the webhook takes its URL from the last one', async () => {
    const v1 = p256();
    const shard = p256();
    const fixture = await fixtureRoot({
      tlogs: [{ key: v1 }, { key: shard, baseUrl: 'https://shard.example.com' }],
    });
    const out = policyControllerExport(exportableTrust(fixture.root), request());
    expect(parse(out.files[0]!.text.split('---\n')[0]!)).toMatchObject({
      spec: {
        sigstoreKeys: {
          tLogs: [{ baseURL: 'https://shard.example.com' }, { baseURL: 'https://log.example.com' }],
        },
      },
    });
  });
});

describe(kyvernoExport.name, () => {
  it('writes a ClusterPolicy whose keyless attestor carries the roots and log keys', async () => {
    const { trust, rekor, ct, chainPem } = await instance();
    const out = kyvernoExport(
      trust,
      request({ format: 'kyverno', issuer: { kind: 'regexp', pattern: '^(?:https://idp\\..*)$' } }),
    );
    expect(parse(out.files[0]!.text)).toEqual({
      apiVersion: 'kyverno.io/v1',
      kind: 'ClusterPolicy',
      metadata: { name: 'signet' },
      spec: {
        webhookTimeoutSeconds: 30,
        rules: [
          {
            name: 'verify-signature',
            match: { any: [{ resources: { kinds: ['Pod'] } }] },
            verifyImages: [
              {
                imageReferences: ['registry.example.com/team/*'],
                failureAction: 'Enforce',
                mutateDigest: true,
                verifyDigest: true,
                required: true,
                attestors: [
                  {
                    count: 1,
                    entries: [
                      {
                        keyless: {
                          subject: 'alice@example.com',
                          issuerRegExp: '^(?:https://idp\\..*)$',
                          roots: chainPem,
                          rekor: { url: 'https://log.example.com', pubkey: pemOf(rekor) },
                          ctlog: { pubkey: pemOf(ct) },
                        },
                      },
                    ],
                  },
                ],
              },
            ],
          },
        ],
      },
    });
  });

  it('gives each pair of Rekor and CT keys its own entry, any one sufficing', async () => {
    const fixture = await fixtureRoot({
      tlogs: [{ key: p256() }, { key: p256(), baseUrl: 'https://shard.example.com' }],
      ctlogs: [{ key: p256() }, { key: p256() }],
    });
    const out = kyvernoExport(
      exportableTrust(fixture.root),
      request({ imagePattern: 'r.example/*' }),
    );
    const policy = parse(out.files[0]!.text) as {
      spec: { rules: { verifyImages: { attestors: { count: number; entries: unknown[] }[] }[] }[] };
    };
    const attestors = policy.spec.rules[0]!.verifyImages[0]!.attestors;
    expect(attestors).toEqual([{ count: 1, entries: expect.any(Array) }]);
    expect(attestors[0]!.entries).toHaveLength(4);
    expect(out.notes).toContain(
      "Kyverno's * also matches /: r.example/* gates more images than r.example/*",
    );
  });

  it('refuses (exit 2) an instance whose only log key is Ed25519', async () => {
    const fixture = await fixtureRoot({ tlogs: [{ key: ed25519() }] });
    expect(() => kyvernoExport(exportableTrust(fixture.root), request())).toThrow(
      expect.objectContaining({ exitCode: 2, code: 'UNSUPPORTED_BY_VERIFIER' }),
    );
  });
});

describe(containersPolicyExport.name, () => {
  it('writes policy.json with a sigstoreSigned requirement and the registries.d file', async () => {
    const { trust, rekor, chainPem } = await instance();
    const out = containersPolicyExport(trust, request({ format: 'containers-policy' }));
    expect(out.files.map((f) => f.path)).toEqual(['policy.json', 'registries.d/signet.yaml']);
    expect(JSON.parse(out.files[0]!.text)).toEqual({
      default: [{ type: 'insecureAcceptAnything' }],
      transports: {
        docker: {
          'registry.example.com/team': [
            {
              type: 'sigstoreSigned',
              fulcio: {
                caData: b64(chainPem),
                oidcIssuer: ISSUER,
                subjectEmail: 'alice@example.com',
              },
              rekorPublicKeyData: b64(pemOf(rekor)),
              signedIdentity: { type: 'matchRepository' },
            },
          ],
        },
      },
    });
    expect(parse(out.files[1]!.text)).toEqual({
      docker: { 'registry.example.com/team': { 'use-sigstore-attachments': true } },
    });
    expect(out.notes).toContain(
      'needs containers/image 5.24 or later built with sigstore support (not Debian bookworm: its 5.23 has it patched out), and a legacy .sig signature on each image',
    );
  });

  it('lists several log keys as rekorPublicKeyDatas, which needs c/image 5.33', async () => {
    const fixture = await fixtureRoot({
      tlogs: [{ key: p256() }, { key: p256(), baseUrl: 'https://shard.example.com' }],
    });
    const out = containersPolicyExport(
      exportableTrust(fixture.root),
      request({ imagePattern: '**' }),
    );
    const policy = JSON.parse(out.files[0]!.text);
    expect(policy.transports.docker[''][0].rekorPublicKeyDatas).toHaveLength(2);
    expect(parse(out.files[1]!.text)).toEqual({
      'default-docker': { 'use-sigstore-attachments': true },
    });
    expect(out.notes).toContain(
      'rekorPublicKeyDatas (several log keys) needs containers/image 5.33 or later',
    );
  });

  it.each([
    [
      { subject: { kind: 'regexp', pattern: '^(?:.*)$' } },
      "containers/image matches the signer's e-mail and issuer exactly (fulcio.subjectEmail, fulcio.oidcIssuer): give --certificate-identity and --certificate-oidc-issuer, not a regexp",
    ],
    [
      {
        subject: {
          kind: 'exact',
          value: 'https://github.com/acme/app/.github/workflows/r.yml@refs/tags/v1',
        },
      },
      'containers/image matches only e-mail identities (fulcio.subjectEmail), not "https://github.com/acme/app/.github/workflows/r.yml@refs/tags/v1": verify workload identities with policy-controller or Kyverno',
    ],
  ] as const)('refuses (64) an identity c/image cannot match', async (overrides, message) => {
    const { trust } = await instance();
    expect(() =>
      containersPolicyExport(trust, request(overrides as Partial<ExportRequest>)),
    ).toThrow(expect.objectContaining({ exitCode: 64, message }));
  });

  it('refuses (exit 2) an instance whose only log key is Ed25519', async () => {
    const fixture = await fixtureRoot({ tlogs: [{ key: ed25519() }] });
    expect(() => containersPolicyExport(exportableTrust(fixture.root), request())).toThrow(
      expect.objectContaining({
        exitCode: 2,
        message:
          'containers/image cannot verify signatures of this instance: it checks the signed entry timestamps of legacy image signatures with ECDSA P-256 keys only (LOG_KEY), and the trusted root has Ed25519 (https://log.example.com)',
      }),
    );
  });
});

describe(containersScope.name, () => {
  it.each([
    ['**', '', true],
    ['registry.example.com/team/**', 'registry.example.com/team', true],
    ['localhost:5000/app:**', 'localhost:5000/app', true],
    ['registry.example.com/team/app@sha256:*', 'registry.example.com/team/app', false],
    ['registry.example.com/team/app-*', 'registry.example.com/team', false],
    ['registry.example.com/team/app:v1', 'registry.example.com/team/app:v1', true],
    ['*.example.com/**', '*.example.com', true],
    ['reg*.example.com/team/**', '', false],
  ])('maps %s to the scope %j (exact: %s)', (glob, scope, exact) => {
    expect(containersScope(glob)).toEqual({ scope, exact });
  });
});
