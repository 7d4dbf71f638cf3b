/* Image signatures against other implementations and against tampering, on a real stack and
   Debian's docker-registry 2.8: bundles read back verify with stock @sigstore/verify, a referrer
   written by @sigstore/oci (0.7.2; on a registry behind htpasswd, as it needs an auth challenge)
   is found and verified by `signet image verify`, skopeo reads every
   tag written as a manifest; a tampered payload, annotation, SET or bundle fails with the check
   that caught it; two concurrent signers of one image both survive on the fallback tag and the
   .sig tag (distribution 2.8 ignores If-Match). */
import { attachArtifactToImage } from '@sigstore/oci';
import { createHash } from 'node:crypto';
import { bundleFromJSON, bundleToJSON } from '@sigstore/bundle';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { DSSEBundleBuilder, FulcioSigner, RekorWitness } from '@sigstore/sign';
import { toSignedEntity, toTrustMaterial, Verifier } from '@sigstore/verify';
import { RegistryClient } from '../apps/cli/src/image/registry/client';
import { parseImageReference } from '../apps/cli/src/image/registry/reference';
import { ALICE, useCliStack } from './support/cli-stack';
import type { OciFixture } from './support/oci-layout';
import { inspectRaw, pushFixture, startRegistry, type TestRegistry } from './support/registry';

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const BUNDLE = 'application/vnd.dev.sigstore.bundle.v0.3+json';
const CUSTOM = 'https://example.com/attestation/test-result/v1';
const USER = { username: 'ci-bot', password: 'pw-Sup3r-s3cret' };

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

interface Verdict {
  verified: boolean;
  accepted: { format: string; kind: string; predicateType?: string; source: string }[];
  rejected: { format: string; source: string; code: string; message: string }[];
}

describe('signet image: interop and tampering (built CLI, docker-registry 2.8)', () => {
  const cli = useCliStack();
  let reg: TestRegistry;
  let client: RegistryClient;
  let count = 0;

  beforeAll(async () => {
    reg = await startRegistry();
    client = new RegistryClient({ allowHttp: [reg.host], env: { HOME: cli.dir } });
  });
  afterAll(async () => {
    client?.close();
    await reg?.stop();
  });

  const hexOf = (digest: string) => digest.slice('sha256:'.length);
  const repo = (name: string) => parseImageReference(`${reg.host}/${name}`);
  /** A fresh image in its own repository. */
  const fresh = async (): Promise<{ name: string; fixture: OciFixture }> => {
    const name = `team/app${++count}`;
    return { name, fixture: await pushFixture(reg, 'image', name, 'v1', name) };
  };
  const sign = async (name: string, extra: string[] = []) => {
    const run = await cli.signet(
      ['image', 'sign', `${reg.host}/${name}:v1`, '--allow-http', reg.host, ...extra],
      {
        SIGSTORE_ID_TOKEN: await cli.aliceToken(),
      },
    );
    expect(run.stderr).toContain('certificate issued to');
    expect(run.code).toBe(0);
  };
  const verify = async (name: string, extra: string[] = []) => {
    const run = await cli.signet([
      'image',
      'verify',
      `${reg.host}/${name}:v1`,
      '--allow-http',
      reg.host,
      '--json',
      ...cli.identityFlags(),
      ...extra,
    ]);
    return { code: run.code, stderr: run.stderr, verdict: JSON.parse(run.stdout) as Verdict };
  };
  const manifest = async (name: string, reference: string) =>
    (await client.getManifest(repo(name), reference))!;
  const trustedRoot = async () =>
    TrustedRoot.fromJSON(await (await fetch(`${cli.stack.caUrl}/api/v1/trustedRoot`)).json());

  it('bundles read back from the registry verify with stock @sigstore/verify', async () => {
    const { name, fixture } = await fresh();
    await sign(name, ['--format', 'bundle']);
    const index = await manifest(name, `sha256-${hexOf(fixture.digest)}`);
    const [entry] = index.json.manifests as Json[];
    const referrer = await manifest(name, entry!.digest);
    const layer = (referrer.json.layers as Json[])[0]!;
    const blob = await client.getBlob(repo(name), layer.digest, 1 << 20);
    const bundle = bundleFromJSON(JSON.parse(blob.toString()));
    const signer = new Verifier(toTrustMaterial(await trustedRoot())).verify(
      toSignedEntity(bundle),
    );
    expect(signer.identity?.subjectAlternativeName).toBe(ALICE);
    if (bundle.content.$case !== 'dsseEnvelope') throw new Error('expected DSSE');
    const statement = JSON.parse(bundle.content.dsseEnvelope.payload.toString()) as Json;
    expect(statement).toEqual({
      _type: 'https://in-toto.io/Statement/v1',
      subject: [{ digest: { sha256: hexOf(fixture.digest) } }],
      predicateType: 'https://sigstore.dev/cosign/sign/v1',
      predicate: {},
    });
  });

  it('finds and verifies a referrer written by @sigstore/oci, beside its own (htpasswd registry)', async () => {
    // @sigstore/oci signs in by probing an upload and reading the challenge: it needs a
    // registry that asks for credentials.
    const locked = await startRegistry({ credentials: USER });
    try {
      const name = 'team/oci';
      const fixture = await pushFixture(locked, 'image', name, 'v1', name);
      const config = cli.file(
        'docker-config.json',
        JSON.stringify({
          auths: {
            [locked.host]: {
              auth: Buffer.from(`${USER.username}:${USER.password}`).toString('base64'),
            },
          },
        }),
      );
      const flags = ['--allow-http', locked.host, '--docker-config', config];
      const ref = `${locked.host}/${name}:v1`;
      const signed = await cli.signet(['image', 'sign', ref, ...flags, '--format', 'bundle'], {
        SIGSTORE_ID_TOKEN: await cli.aliceToken(),
      });
      expect(signed.code).toBe(0);
      // Stock sigstore-js signs an attestation about the image and @sigstore/oci attaches it.
      const statement = {
        _type: 'https://in-toto.io/Statement/v1',
        subject: [{ name: `${locked.host}/${name}`, digest: { sha256: hexOf(fixture.digest) } }],
        predicateType: CUSTOM,
        predicate: { passed: true },
      };
      const token = await cli.aliceToken();
      const bundle = await new DSSEBundleBuilder({
        signer: new FulcioSigner({
          fulcioBaseURL: cli.stack.caUrl,
          identityProvider: { getToken: () => Promise.resolve(token) },
        }),
        witnesses: [new RekorWitness({ rekorBaseURL: cli.stack.logUrl, entryType: 'dsse' })],
      }).create({
        data: Buffer.from(JSON.stringify(statement)),
        type: 'application/vnd.in-toto+json',
      });
      await attachArtifactToImage({
        imageName: `${locked.host}/${name}`,
        imageDigest: fixture.digest,
        artifact: Buffer.from(JSON.stringify(bundleToJSON(bundle))),
        mediaType: BUNDLE,
        annotations: {
          'dev.sigstore.bundle.content': 'dsse-envelope',
          'dev.sigstore.bundle.predicateType': CUSTOM,
        },
        credentials: USER,
      });
      const index = JSON.parse(
        await inspectRaw(locked, `${name}:sha256-${hexOf(fixture.digest)}`),
      ) as Json;
      expect(index.manifests).toHaveLength(2);
      const verifyThere = async (extra: string[]) => {
        const run = await cli.signet([
          'image',
          'verify',
          ref,
          ...flags,
          '--json',
          ...cli.identityFlags(),
          ...extra,
        ]);
        return { code: run.code, verdict: JSON.parse(run.stdout) as Verdict };
      };
      const attested = await verifyThere(['--type', CUSTOM]);
      expect(attested.code).toBe(0);
      expect(attested.verdict.accepted).toEqual([
        expect.objectContaining({ format: 'bundle', kind: 'attestation', predicateType: CUSTOM }),
      ]);
      expect((await verifyThere([])).code).toBe(0); // our own signature is still listed
    } finally {
      await locked.stop();
    }
  });

  it('writes manifests skopeo reads: .sig, .att and the fallback tag', async () => {
    const { name, fixture } = await fresh();
    await sign(name);
    const predicate = cli.file('p.json', '{"ok":true}');
    const attest = await cli.signet(
      [
        'image',
        'attest',
        `${reg.host}/${name}:v1`,
        '--allow-http',
        reg.host,
        '--predicate',
        predicate,
        '--type',
        CUSTOM,
      ],
      { SIGSTORE_ID_TOKEN: await cli.aliceToken() },
    );
    expect(attest.code).toBe(0);
    const hex = hexOf(fixture.digest);
    const sig = JSON.parse(await inspectRaw(reg, `${name}:sha256-${hex}.sig`)) as Json;
    const att = JSON.parse(await inspectRaw(reg, `${name}:sha256-${hex}.att`)) as Json;
    const fallback = JSON.parse(await inspectRaw(reg, `${name}:sha256-${hex}`)) as Json;
    expect(sig).toMatchObject({
      mediaType: OCI_MANIFEST,
      layers: [{ mediaType: 'application/vnd.dev.cosign.simplesigning.v1+json' }],
    });
    expect(att).toMatchObject({
      mediaType: OCI_MANIFEST,
      layers: [
        {
          mediaType: 'application/vnd.dsse.envelope.v1+json',
          annotations: { predicateType: CUSTOM },
        },
      ],
    });
    expect(fallback).toMatchObject({ mediaType: OCI_INDEX });
    expect(
      (fallback.manifests as Json[])
        .map((m) => (m.annotations as Record<string, string>)['dev.sigstore.bundle.predicateType'])
        .sort(),
    ).toEqual([CUSTOM, 'https://sigstore.dev/cosign/sign/v1']);
  });

  /** Signs a fresh image in the legacy format, rewrites its one .sig layer with `mutate`. */
  const tamperedLegacy = async (mutate: (layer: Json, payload: Buffer) => Buffer | void) => {
    const { name, fixture } = await fresh();
    await sign(name, ['--format', 'legacy']);
    const tag = `sha256-${hexOf(fixture.digest)}.sig`;
    const sig = await manifest(name, tag);
    const layer = (sig.json.layers as Json[])[0]!;
    const payload = await client.getBlob(repo(name), layer.digest, 1 << 20);
    const changed = mutate(layer, payload);
    if (changed !== undefined) {
      const stored = await client.putBlob(repo(name), changed);
      layer.digest = stored.digest;
      layer.size = stored.size;
    }
    await client.putManifest(repo(name), tag, Buffer.from(JSON.stringify(sig.json)), OCI_MANIFEST);
    return verify(name, ['--require', 'legacy']);
  };

  it('rejects a tampered simple-signing payload', async () => {
    const run = await tamperedLegacy((_layer, payload) => {
      const json = JSON.parse(payload.toString()) as Json;
      json.optional = { approved: 'yes' };
      return Buffer.from(JSON.stringify(json));
    });
    expect(run.code).toBe(1);
    expect(run.verdict.rejected).toEqual([expect.objectContaining({ code: 'TLOG_BODY_ERROR' })]);
  });

  it("rejects a tampered annotation: another signature's certificate", async () => {
    const other = await fresh();
    await sign(other.name, ['--format', 'legacy']);
    const otherLayer = (
      (await manifest(other.name, `sha256-${hexOf(other.fixture.digest)}.sig`)).json
        .layers as Json[]
    )[0]!;
    const run = await tamperedLegacy((layer) => {
      layer.annotations['dev.sigstore.cosign/certificate'] =
        otherLayer.annotations['dev.sigstore.cosign/certificate'];
    });
    expect(run.code).toBe(1);
    expect(run.verdict.rejected).toEqual([expect.objectContaining({ code: 'TLOG_BODY_ERROR' })]);
  });

  it('rejects a tampered signed entry timestamp', async () => {
    const run = await tamperedLegacy((layer) => {
      const set = JSON.parse(layer.annotations['dev.sigstore.cosign/bundle']) as Json;
      set.Payload.integratedTime += 1;
      layer.annotations['dev.sigstore.cosign/bundle'] = JSON.stringify(set);
    });
    expect(run.code).toBe(1);
    expect(run.verdict.rejected).toEqual([
      expect.objectContaining({ code: 'TLOG_INCLUSION_PROMISE_ERROR' }),
    ]);
  });

  it('rejects a bundle referrer whose statement was altered', async () => {
    const { name, fixture } = await fresh();
    await sign(name, ['--format', 'bundle']);
    const fallback = `sha256-${hexOf(fixture.digest)}`;
    const index = await manifest(name, fallback);
    const referrer = await manifest(name, (index.json.manifests as Json[])[0]!.digest);
    const layer = (referrer.json.layers as Json[])[0]!;
    const bundle = JSON.parse(
      (await client.getBlob(repo(name), layer.digest, 1 << 20)).toString(),
    ) as Json;
    const statement = JSON.parse(
      Buffer.from(bundle.dsseEnvelope.payload, 'base64').toString(),
    ) as Json;
    statement.subject[0].annotations = { approved: 'yes' };
    bundle.dsseEnvelope.payload = Buffer.from(JSON.stringify(statement)).toString('base64');
    const stored = await client.putBlob(repo(name), Buffer.from(JSON.stringify(bundle)));
    Object.assign(layer, { digest: stored.digest, size: stored.size });
    const bytes = Buffer.from(JSON.stringify(referrer.json));
    const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
    const pushed = await client.putManifest(repo(name), digest, bytes, OCI_MANIFEST);
    (index.json.manifests as Json[])[0]!.digest = pushed.digest;
    (index.json.manifests as Json[])[0]!.size = pushed.size;
    await client.putManifest(
      repo(name),
      fallback,
      Buffer.from(JSON.stringify(index.json)),
      OCI_INDEX,
    );
    const run = await verify(name, ['--require', 'bundle']);
    expect(run.code).toBe(1);
    expect(run.verdict.rejected).toEqual([
      expect.objectContaining({ format: 'bundle', code: 'TLOG_BODY_ERROR' }),
    ]);
  });

  it('keeps both of two concurrent signers on the fallback tag and the .sig tag', async () => {
    const { name, fixture } = await fresh();
    await Promise.all([sign(name), sign(name)]);
    const hex = hexOf(fixture.digest);
    expect((await manifest(name, `sha256-${hex}`)).json.manifests).toHaveLength(2);
    expect((await manifest(name, `sha256-${hex}.sig`)).json.layers).toHaveLength(2);
    const run = await verify(name);
    expect(run.code).toBe(0);
    expect(run.verdict.accepted.map((a) => a.format).sort()).toEqual([
      'bundle',
      'bundle',
      'legacy',
      'legacy',
    ]);
  });
});
