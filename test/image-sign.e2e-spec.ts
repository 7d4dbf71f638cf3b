/* `signet image sign|attest|verify|tree` (built CLI) against a real stack and Debian's
   docker-registry 2.8 (no referrers API: the fallback tag path), open and behind htpasswd, with
   fixture images pushed by skopeo: each format round trip, --recursive on an index,
   --signature-repo, a re-tagged image, a denied and a foreign identity, credentials from a
   Docker config file, --policy, and an instance whose signing config prefers Rekor v2. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { githubClaims } from './support/ca-fixtures';
import { ALICE, useCliStack } from './support/cli-stack';
import type { OciFixture } from './support/oci-layout';
import { inspectRaw, pushFixture, startRegistry, type TestRegistry } from './support/registry';

const WORKFLOW = 'https://github.com/acme/app/.github/workflows/release.yml@refs/tags/v1.2.3';
const USER = { username: 'ci-bot', password: 'pw-Sup3r-s3cret' };
const SLSA = 'https://slsa.dev/provenance/v1';

interface Verdict {
  verified: boolean;
  digest: string;
  accepted: { format: string; kind: string; predicateType?: string; source: string }[];
  rejected: { format: string; source: string; code: string; message: string }[];
  reason?: string;
}

describe('signet image (built CLI) against the stack and docker-registry 2.8', () => {
  const cli = useCliStack();
  let open: TestRegistry;
  let locked: TestRegistry;
  let image: OciFixture;
  let index: OciFixture;

  beforeAll(async () => {
    [open, locked] = await Promise.all([startRegistry(), startRegistry({ credentials: USER })]);
    [image, index] = await Promise.all([
      pushFixture(open, 'image', 'team/app', 'v1'),
      pushFixture(open, 'index', 'team/app', 'multi'),
    ]);
  });
  afterAll(async () => {
    await Promise.all([open?.stop(), locked?.stop()]);
  });

  const http = (reg: TestRegistry = open) => ['--allow-http', reg.host];
  const sign = async (ref: string, extra: string[] = [], token?: string) =>
    cli.signet(['image', 'sign', ref, ...http(), ...extra], {
      SIGSTORE_ID_TOKEN: token ?? (await cli.aliceToken()),
    });
  const verify = async (ref: string, extra: string[] = []) => {
    const run = await cli.signet([
      'image',
      'verify',
      ref,
      ...http(),
      '--json',
      ...(extra.includes('--policy') ? [] : cli.identityFlags()),
      ...extra,
    ]);
    return { ...run, verdict: JSON.parse(run.stdout) as Verdict };
  };

  it('signs a tag by its digest in both formats, prints the digest, and verifies each format', async () => {
    const signed = await sign(`${open.host}/team/app:v1`);
    expect(signed.stderr).toContain(`signing ${open.host}/team/app@${image.digest}`);
    expect(signed.code).toBe(0);
    expect(signed.stdout.trim()).toBe(`${open.host}/team/app@${image.digest}`);
    // One certificate for the run: one issuance line.
    expect(signed.stderr.match(/certificate issued to/g)).toHaveLength(1);

    for (const require of ['bundle', 'legacy', 'any']) {
      const run = await verify(`${open.host}/team/app:v1`, ['--require', require]);
      expect(run.stderr).toContain('Verified OK');
      expect(run.code).toBe(0);
      expect(run.verdict).toMatchObject({ verified: true, digest: image.digest, rejected: [] });
    }
    const both = await verify(`${open.host}/team/app@${image.digest}`);
    expect(both.verdict.accepted.map((a) => a.format).sort()).toEqual(['bundle', 'legacy']);
    expect(both.verdict.accepted.every((a) => a.kind === 'signature')).toBe(true);

    // What is stored is what cosign writes and reads: skopeo reads the tags as OCI manifests.
    const hex = image.digest.slice('sha256:'.length);
    const sig = JSON.parse(await inspectRaw(open, `team/app:sha256-${hex}.sig`));
    expect(sig.layers[0].mediaType).toBe('application/vnd.dev.cosign.simplesigning.v1+json');
    const fallback = JSON.parse(await inspectRaw(open, `team/app:sha256-${hex}`));
    expect(fallback.manifests[0]).toMatchObject({
      artifactType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
      annotations: { 'dev.sigstore.bundle.predicateType': 'https://sigstore.dev/cosign/sign/v1' },
    });

    const tree = await cli.signet(['image', 'tree', `${open.host}/team/app:v1`, ...http()]);
    expect(tree.code).toBe(0);
    expect(tree.stdout).toContain(`signatures sha256-${hex}.sig: 1 layer(s)`);
    expect(tree.stdout).toContain(`referrers (fallback tag sha256-${hex}): 1`);
    expect(tree.stdout).toContain('dev.sigstore.bundle.content: dsse-envelope');
  });

  it('attests in each format and verifies by predicate type', async () => {
    const ref = `${open.host}/team/app:v1`;
    const predicate = cli.file('provenance.json', JSON.stringify({ buildType: 'test' }));
    for (const format of ['bundle', 'legacy']) {
      const run = await cli.signet(
        [
          'image',
          'attest',
          ref,
          ...http(),
          '--predicate',
          predicate,
          '--type',
          'slsaprovenance',
          '--format',
          format,
        ],
        { SIGSTORE_ID_TOKEN: await cli.aliceToken() },
      );
      expect(run.stderr).toContain(`attesting ${SLSA}`);
      expect(run.code).toBe(0);
      const checked = await verify(ref, ['--type', SLSA, '--require', format]);
      expect(checked.code).toBe(0);
      expect(checked.verdict.accepted).toEqual([
        expect.objectContaining({ format, kind: 'attestation', predicateType: SLSA }),
      ]);
    }
    const other = await verify(ref, ['--type', 'spdxjson']);
    expect(other.code).toBe(1);
    expect(other.verdict.reason).toBe('no https://spdx.dev/Document attestation found');
  });

  it('signs an index by its digest, and each platform manifest with --recursive', async () => {
    const ref = `${open.host}/team/app:multi`;
    const run = await sign(ref, ['--recursive', '--format', 'bundle']);
    expect(run.code).toBe(0);
    expect(run.stdout.trim().split('\n')).toEqual(
      [index.digest, ...index.platforms.map((p) => p.digest)].map(
        (d) => `${open.host}/team/app@${d}`,
      ),
    );
    for (const digest of [index.digest, ...index.platforms.map((p) => p.digest)]) {
      expect((await verify(`${open.host}/team/app@${digest}`)).code).toBe(0);
    }
  });

  it('keeps signatures in another repository with --signature-repo', async () => {
    const fixture = await pushFixture(open, 'image', 'team/elsewhere', 'v1', 'elsewhere');
    const ref = `${open.host}/team/elsewhere:v1`;
    const repo = ['--signature-repo', `${open.host}/team/signatures`];
    expect((await sign(ref, repo)).code).toBe(0);
    const hex = fixture.digest.slice('sha256:'.length);
    expect(
      JSON.parse(await inspectRaw(open, `team/signatures:sha256-${hex}.sig`)).layers,
    ).toHaveLength(1);
    const there = await verify(ref, repo);
    expect(there.code).toBe(0);
    expect(there.verdict.accepted).toHaveLength(2);
    const here = await verify(ref);
    expect(here.code).toBe(1);
    expect(here.verdict.reason).toBe('no signature found');
  });

  it('fails for a re-tagged image with another digest, and for signatures copied to it', async () => {
    const first = await pushFixture(open, 'image', 'team/retag', 'v1', 'first');
    expect((await sign(`${open.host}/team/retag:v1`)).code).toBe(0);
    const second = await pushFixture(open, 'image', 'team/retag', 'v1', 'second');
    expect(second.digest).not.toBe(first.digest);
    const moved = await verify(`${open.host}/team/retag:v1`);
    expect(moved.code).toBe(1);
    expect(moved.verdict).toMatchObject({ digest: second.digest, reason: 'no signature found' });

    // An attacker copies the first image's .sig and referrers index onto the second digest.
    const [hex1, hex2] = [first.digest, second.digest].map((d) => d.slice('sha256:'.length));
    for (const suffix of ['.sig', '']) {
      const bytes = await inspectRaw(open, `team/retag:sha256-${hex1}${suffix}`);
      const type = JSON.parse(bytes).mediaType as string;
      const res = await fetch(`${open.url}/v2/team/retag/manifests/sha256-${hex2}${suffix}`, {
        method: 'PUT',
        headers: { 'content-type': type },
        body: bytes,
      });
      expect(res.status).toBe(201);
    }
    const copied = await verify(`${open.host}/team/retag:v1`);
    expect(copied.code).toBe(1);
    expect(copied.verdict.rejected.map((r) => r.code).sort()).toEqual([
      'DIGEST_MISMATCH',
      'REFERRER_ERROR',
    ]);
  });

  it('refuses a denied identity at the CA (exit 3), and a foreign identity fails verify', async () => {
    const bob = await cli.stack.fx.email.mint({
      sub: 'u2',
      email: 'bob@example.com',
      email_verified: true,
    });
    const denied = await sign(`${open.host}/team/app:v1`, [], bob);
    expect(denied.code).toBe(3);

    const fixture = await pushFixture(open, 'image', 'team/workflow', 'v1', 'workflow');
    const token = await cli.stack.fx.github.mint(githubClaims());
    expect((await sign(`${open.host}/team/workflow:v1`, [], token)).code).toBe(0);
    const foreign = await verify(`${open.host}/team/workflow:v1`);
    expect(foreign.code).toBe(1);
    expect(foreign.verdict.rejected).toEqual([
      expect.objectContaining({ code: 'IDENTITY_MISMATCH' }),
      expect.objectContaining({ code: 'IDENTITY_MISMATCH' }),
    ]);
    expect(foreign.verdict.reason).toContain(
      `--certificate-identity: the certificate does not match "${ALICE}"`,
    );
    const theirs = await cli.signet([
      'image',
      'verify',
      `${open.host}/team/workflow@${fixture.digest}`,
      ...http(),
      '--certificate-identity',
      WORKFLOW,
      '--certificate-oidc-issuer',
      cli.stack.fx.github.url,
    ]);
    expect(theirs.code).toBe(0);
  });

  it('decides with --policy: identities per image pattern and required attestations', async () => {
    const policy = (attestation: string) =>
      cli.file(
        'image-policy.yaml',
        [
          'images:',
          `  - glob: ${open.host}/team/*`,
          '    identities:',
          `      - issuer: ${cli.stack.fx.email.url}`,
          `        subject: ${ALICE}`,
          '    attestations:',
          `      - predicateType: ${attestation}`,
        ].join('\n'),
      );
    const ok = await verify(`${open.host}/team/app:v1`, ['--policy', policy(SLSA)]);
    expect(ok.code).toBe(0);
    const missing = await verify(`${open.host}/team/app:v1`, [
      '--policy',
      policy('https://spdx.dev/Document'),
    ]);
    expect(missing.code).toBe(1);
    expect(missing.verdict.reason).toBe(
      'images[0].attestations[0]: no verified https://spdx.dev/Document attestation',
    );
  });

  it('reads credentials from a Docker config file for an htpasswd registry', async () => {
    const fixture = await pushFixture(locked, 'image', 'team/private', 'v1', 'private');
    const ref = `${locked.host}/team/private:v1`;
    const config = join(cli.dir, 'docker-config.json');
    const auth = Buffer.from(`${USER.username}:${USER.password}`).toString('base64');
    writeFileSync(config, JSON.stringify({ auths: { [locked.host]: { auth } } }));
    const withCreds = ['--allow-http', locked.host, '--docker-config', config];
    const none = await cli.signet(['image', 'sign', ref, '--allow-http', locked.host], {
      SIGSTORE_ID_TOKEN: await cli.aliceToken(),
    });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain(locked.host);
    const signed = await cli.signet(['image', 'sign', ref, ...withCreds], {
      SIGSTORE_ID_TOKEN: await cli.aliceToken(),
    });
    expect(signed.code).toBe(0);
    expect(signed.stdout.trim()).toBe(`${locked.host}/team/private@${fixture.digest}`);
    const verified = await cli.signet([
      'image',
      'verify',
      ref,
      ...withCreds,
      ...cli.identityFlags(),
    ]);
    expect(verified.stderr).toContain('Verified OK');
    expect(verified.code).toBe(0);
    expect(signed.stderr + verified.stderr).not.toContain(USER.password);
  });
});

describe('signet image sign on an instance that prefers its Rekor v2 log', () => {
  const cli = useCliStack([], { CA_SIGNING_LOG: 'v2' });
  let reg: TestRegistry;
  beforeAll(async () => {
    reg = await startRegistry();
  });
  afterAll(async () => {
    await reg?.stop();
  });

  it('signs the bundle into the v2 log and the legacy layer into the v1 log (its SET)', async () => {
    const fixture = await pushFixture(reg, 'image', 'team/v2', 'v1');
    const ref = `${reg.host}/team/v2:v1`;
    const signed = await cli.signet(['image', 'sign', ref, '--allow-http', reg.host, '--json'], {
      SIGSTORE_ID_TOKEN: await cli.aliceToken(),
    });
    expect(signed.stderr).toContain('(Rekor v2)');
    expect(signed.code).toBe(0);
    const { signed: targets } = JSON.parse(signed.stdout) as {
      signed: { digest: string; bundle: unknown; legacy: unknown }[];
    };
    expect(targets).toEqual([
      expect.objectContaining({
        digest: fixture.digest,
        bundle: expect.anything(),
        legacy: expect.anything(),
      }),
    ]);
    for (const require of ['bundle', 'legacy']) {
      const run = await cli.signet([
        'image',
        'verify',
        ref,
        '--allow-http',
        reg.host,
        '--require',
        require,
        ...cli.identityFlags(),
      ]);
      expect(run.stderr).toContain('Verified OK');
      expect(run.code).toBe(0);
    }
  });
});
