/* `signet trust-root export` (built CLI) against the stack: what it writes for policy-controller,
   Kyverno and containers/image holds the keys and chains that verify a signature made through
   the instance, read back the way each verifier reads its fields. None of those verifiers runs
   here; their own checks are described in the README (Gate deployments). Needs `npm run build`. */
import { createHash, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleFromJSON } from '@sigstore/bundle';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { toSignedEntity, toTrustMaterial, Verifier } from '@sigstore/verify';
import { parse, parseAllDocuments } from 'yaml';
import { certificatesFromPem } from '@app/signing';
import { ALICE, useCliStack } from './support/cli-stack';

const EPOCH = { start: '1970-01-01T00:00:00Z' };

/** The fields read back, as the CRDs and Kyverno's API name them. */
interface TrustRootDoc {
  spec: {
    sigstoreKeys: {
      certificateAuthorities: { subject: object; certChain: string }[];
      tLogs: { baseURL: string; publicKey: string }[];
      ctLogs: { baseURL: string; publicKey: string }[];
    };
  };
}
interface KeylessAttestor {
  roots: string;
  rekor: { url: string; pubkey: string };
  ctlog: { pubkey: string };
}
interface KyvernoDoc {
  spec: {
    rules: { verifyImages: { attestors: { entries: { keyless: KeylessAttestor }[] }[] }[] }[];
  };
}
const unbase64 = (text: string) => Buffer.from(text, 'base64').toString('utf8');

/** A trusted root built from exported PEMs as the verifiers use them: no validity windows. */
function rootFrom(caPem: string, tlogs: { url: string; pem: string }[], ctlogPems: string[]) {
  const log = (baseUrl: string, pem: string) => {
    const der = createPublicKey(pem).export({ type: 'spki', format: 'der' });
    return {
      baseUrl,
      hashAlgorithm: 'SHA2_256',
      publicKey: {
        rawBytes: der.toString('base64'),
        keyDetails: 'PKIX_ECDSA_P256_SHA_256',
        validFor: EPOCH,
      },
      logId: { keyId: createHash('sha256').update(der).digest('base64') },
    };
  };
  return TrustedRoot.fromJSON({
    mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    certificateAuthorities: [
      {
        uri: 'https://ca.invalid',
        certChain: {
          certificates: certificatesFromPem(caPem).map((der) => ({
            rawBytes: Buffer.from(der).toString('base64'),
          })),
        },
        validFor: EPOCH,
      },
    ],
    tlogs: tlogs.map((t) => log(t.url, t.pem)),
    ctlogs: ctlogPems.map((pem) => log('https://ct.invalid', pem)),
    timestampAuthorities: [],
  });
}

describe('signet trust-root export (built CLI) against the stack', () => {
  const cli = useCliStack();
  const { signet, identityFlags } = cli;
  let tufRoot: string;
  /** Verifies the bundle of `signet sign` with `root`; returns the signer's SAN. */
  let verifyWith: (root: TrustedRoot) => string | undefined;

  beforeAll(async () => {
    const signed = await signet(['sign', cli.artifact, '--identity-token', await cli.aliceToken()]);
    expect(signed.code).toBe(0);
    const json = JSON.parse(readFileSync(`${cli.artifact}.sigstore.json`, 'utf8'));
    // The gates check a legacy signature's SET, never an RFC 3161 timestamp: without it, the
    // log's signed time is the one verified.
    json.verificationMaterial.timestampVerificationData = { rfc3161Timestamps: [] };
    const bundle = bundleFromJSON(json);
    const artifact = readFileSync(cli.artifact);
    verifyWith = (root) =>
      new Verifier(toTrustMaterial(root)).verify(toSignedEntity(bundle, artifact)).identity
        ?.subjectAlternativeName;
    tufRoot = cli.file(
      'root.json',
      await (await fetch(`${cli.stack.caUrl}/tuf/1.root.json`)).text(),
    );
  });

  it('serves signing_config.v0.2.json through TUF: listed with its length and hash, the same bytes as the API', async () => {
    const get = (path: string) => fetch(`${cli.stack.caUrl}${path}`);
    const timestamp = (await (await get('/tuf/timestamp.json')).json()) as {
      signed: { meta: Record<string, { version: number }> };
    };
    const version = timestamp.signed.meta['snapshot.json']!.version;
    const targets = (await (await get(`/tuf/${version}.targets.json`)).json()) as {
      signed: { targets: Record<string, { length: number; hashes: { sha256: string } }> };
    };
    const listed = targets.signed.targets['signing_config.v0.2.json']!;
    const served = Buffer.from(
      await (
        await get(`/tuf/targets/${listed.hashes.sha256}.signing_config.v0.2.json`)
      ).arrayBuffer(),
    );
    expect(served.length).toBe(listed.length);
    expect(createHash('sha256').update(served).digest('hex')).toBe(listed.hashes.sha256);
    expect(served).toEqual(Buffer.from(await (await get('/api/v1/signingConfig')).arrayBuffer()));
  });

  it('exports a policy-controller TrustRoot (through TUF) whose keys verify a Signet signature', async () => {
    const out = join(cli.dir, 'policy-controller.yaml');
    const run = await signet([
      'trust-root',
      'export',
      '--format',
      'policy-controller',
      '--tuf-root',
      tufRoot,
      '--out',
      out,
      '--image-pattern',
      'registry.example.com/team/**',
      ...identityFlags(),
    ]);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(
      `exported the trusted root of ${cli.stack.caUrl}/tuf for policy-controller`,
    );
    const [trustRoot, policy] = parseAllDocuments(readFileSync(out, 'utf8')).map(
      (d) => d.toJS() as unknown,
    );
    const keys = (trustRoot as TrustRootDoc).spec.sigstoreKeys;
    // policy-controller requires a non-empty organization and common name on every CA.
    expect(keys.certificateAuthorities[0]!.subject).toEqual({
      organization: expect.stringMatching(/.+/),
      commonName: expect.stringMatching(/.+/),
    });
    // The Rekor v1 log's key only: the v2 shard writes no SETs.
    expect(keys.tLogs.map((t) => t.baseURL)).toEqual([cli.stack.logUrl]);
    expect(run.stderr).toContain(
      `note: left out ECDSA P-256 key of ${cli.stack.logV2Url}: legacy signatures get their SETs from ${cli.stack.logUrl}`,
    );
    const root = rootFrom(
      unbase64(keys.certificateAuthorities[0]!.certChain),
      keys.tLogs.map((t) => ({ url: t.baseURL, pem: unbase64(t.publicKey) })),
      keys.ctLogs.map((t) => unbase64(t.publicKey)),
    );
    expect(verifyWith(root)).toBe(ALICE);
    expect(policy).toMatchObject({
      spec: {
        authorities: [
          {
            keyless: {
              trustRootRef: 'signet',
              identities: [{ subject: ALICE, issuer: cli.stack.fx.email.url }],
            },
            ctlog: { url: cli.stack.logUrl, trustRootRef: 'signet' },
            signatureFormat: 'legacy',
          },
        ],
      },
    });
  });

  it('exports a Kyverno ClusterPolicy whose keyless attestor verifies it, and fails with a foreign log key', async () => {
    const run = await signet(['trust-root', 'export', '--format', 'kyverno', ...identityFlags()]);
    expect(run.code).toBe(0);
    const policy = parse(run.stdout) as KyvernoDoc;
    const [entry] = policy.spec.rules[0]!.verifyImages[0]!.attestors[0]!.entries;
    const { roots, rekor, ctlog } = entry!.keyless;
    expect(
      verifyWith(rootFrom(roots, [{ url: rekor.url, pem: rekor.pubkey }], [ctlog.pubkey])),
    ).toBe(ALICE);
    // The check can fail: another log key does not verify the same signature.
    const foreign = generateKeyPairSync('ec', { namedCurve: 'P-256' })
      .publicKey.export({ type: 'spki', format: 'pem' })
      .toString();
    expect(() =>
      verifyWith(rootFrom(roots, [{ url: rekor.url, pem: foreign }], [ctlog.pubkey])),
    ).toThrow('inclusion promise could not be verified');
  });

  it('exports containers-policy files whose CA and Rekor key verify it (c/image checks no SCT)', async () => {
    const dir = join(cli.dir, 'containers');
    const run = await signet([
      'trust-root',
      'export',
      '--format',
      'containers-policy',
      '--out',
      dir,
      '--image-pattern',
      'registry.example.com/team/**',
      ...identityFlags(),
    ]);
    expect(run.code).toBe(0);
    const policy = JSON.parse(readFileSync(join(dir, 'policy.json'), 'utf8'));
    const [requirement] = policy.transports.docker['registry.example.com/team'];
    expect(requirement.fulcio).toMatchObject({
      subjectEmail: ALICE,
      oidcIssuer: cli.stack.fx.email.url,
    });
    // c/image checks no SCT, so its files carry no CT key; @sigstore/verify checks every SCT it
    // finds, so it gets the instance's CT keys for this check.
    const served = TrustedRoot.fromJSON(
      await (await fetch(`${cli.stack.caUrl}/api/v1/trustedRoot`)).json(),
    );
    const root = rootFrom(
      unbase64(requirement.fulcio.caData),
      [{ url: cli.stack.logUrl, pem: unbase64(requirement.rekorPublicKeyData) }],
      served.ctlogs.map((l) =>
        createPublicKey({ key: Buffer.from(l.publicKey!.rawBytes!), format: 'der', type: 'spki' })
          .export({ type: 'spki', format: 'pem' })
          .toString(),
      ),
    );
    expect(verifyWith(root)).toBe(ALICE);
    expect(parse(readFileSync(join(dir, 'registries.d', 'signet.yaml'), 'utf8'))).toEqual({
      docker: { 'registry.example.com/team': { 'use-sigstore-attachments': true } },
    });
    expect(run.stderr).toContain('note: needs containers/image 5.24 or later');
  });

  it('refuses (exit 2) a pinned root whose only log key is Ed25519, and (64) a workload identity for containers-policy', async () => {
    const served = (await (await fetch(`${cli.stack.caUrl}/api/v1/trustedRoot`)).json()) as {
      tlogs: { publicKey: object; logId: object }[];
    };
    const ed = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'der' });
    served.tlogs = [
      {
        ...served.tlogs[0]!,
        publicKey: {
          ...served.tlogs[0]!.publicKey,
          rawBytes: ed.toString('base64'),
          keyDetails: 'PKIX_ED25519',
        },
        logId: { keyId: createHash('sha256').update(ed).digest('base64') },
      },
    ];
    const pinned = cli.file('ed25519.trusted_root.json', JSON.stringify(served));
    const refused = await signet([
      'trust-root',
      'export',
      '--format',
      'policy-controller',
      '--trusted-root',
      pinned,
      '--json',
      ...identityFlags(),
    ]);
    expect(refused.code).toBe(2);
    expect(JSON.parse(refused.stdout)).toMatchObject({ code: 'UNSUPPORTED_BY_VERIFIER' });
    expect(refused.stderr).toContain(
      'signet: policy-controller cannot verify signatures of this instance: it checks the signed entry timestamps of legacy image signatures with ECDSA P-256 keys only (LOG_KEY), and the trusted root has Ed25519',
    );
    const workload = await signet([
      'trust-root',
      'export',
      '--format',
      'containers-policy',
      '--out',
      join(cli.dir, 'never'),
      '--certificate-identity',
      'https://github.com/acme/app/.github/workflows/release.yml@refs/tags/v1.0.0',
      '--certificate-oidc-issuer',
      'https://token.actions.githubusercontent.com',
    ]);
    expect(workload.code).toBe(64);
    expect(workload.stderr).toContain('containers/image matches only e-mail identities');
  });
});
