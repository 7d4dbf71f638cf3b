/* `signet verify` beyond a file and an identity (built CLI) against the stack: bundles signed with
   a managed key (--key), artifacts given only by their digest (sha256:HEX), and trusted roots it
   refuses. The sigstore-conformance verify-bundle protocol needs each of these. */
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleToJSON } from '@sigstore/bundle';
import { MessageSignatureBundleBuilder, RekorWitness } from '@sigstore/sign';
import { fingerprintOf } from '@app/signing';
import { useCliStack } from './support/cli-stack';

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');
const newKey = () => generateKeyPairSync('ec', { namedCurve: 'P-256' });
const pemOf = (key: ReturnType<typeof newKey>) =>
  key.publicKey.export({ type: 'spki', format: 'pem' }).toString();

describe('signet verify --key, sha256: digests and trust-root checks (built CLI) against the stack', () => {
  const managed = newKey();
  const cli = useCliStack([pemOf(managed)]);
  const { signet, identityFlags, file, aliceToken } = cli;
  /** `signet verify INPUT --bundle BUNDLE …flags`. */
  const verify = (input: string, bundle: string, ...flags: string[]) =>
    signet(['verify', input, '--bundle', bundle, ...flags]);
  let keyFile: string;
  let keyBundle: string;

  beforeAll(async () => {
    keyFile = file('release-key.pub', pemOf(managed));
    // A bundle whose verification material is a public key: sigstore-js's own builder and
    // witness with a signer that holds the managed key (which the log lets write), logged as
    // hashedrekord on the stack.
    const builder = new MessageSignatureBundleBuilder({
      signer: {
        sign: (data) =>
          Promise.resolve({
            signature: sign('sha256', data, managed.privateKey),
            key: { $case: 'publicKey', publicKey: pemOf(managed), hint: 'release-key' },
          }),
      },
      witnesses: [new RekorWitness({ rekorBaseURL: cli.stack.logUrl })],
    });
    const bundle = await builder.create({ data: readFileSync(cli.artifact) });
    keyBundle = file('key.sigstore.json', JSON.stringify(bundleToJSON(bundle)));
  });

  it('verifies a managed-key bundle with --key, from the file and from its sha256', async () => {
    const digest = `sha256:${sha256(readFileSync(cli.artifact))}`;
    for (const input of [cli.artifact, digest]) {
      const run = await verify(input, keyBundle, '--key', keyFile, '--json');
      expect(run.stderr).toContain(`signed by key ${keyFile}`);
      expect(run.code).toBe(0);
      expect(JSON.parse(run.stdout)).toMatchObject({
        verified: true,
        key: { path: keyFile, fingerprint: fingerprintOf(managed.publicKey) },
      });
    }
  });

  it('fails (exit 1) with another key, naming the signature check and the key', async () => {
    const other = file('other-key.pub', pemOf(newKey()));
    const run = await verify(cli.artifact, keyBundle, '--key', other);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      `signet: the signature does not verify with --key ${other} over this file (another key, or was the file changed?): signature verification failed (SIGNATURE_ERROR)`,
    );
  });

  it('fails (exit 1) for a managed-key bundle without --key, and refuses --key with an identity (64)', async () => {
    const noKey = await verify(cli.artifact, keyBundle, ...identityFlags());
    expect(noKey.code).toBe(1);
    expect(noKey.stderr).toContain(
      'signet: the bundle is signed with a managed key (hint "release-key"), not a certificate: verify it with --key KEY.pem',
    );
    const both = await verify(cli.artifact, keyBundle, '--key', keyFile, ...identityFlags());
    expect(both.code).toBe(64);
    expect(both.stderr).toContain(
      'signet: give --key or --certificate-identity, not both: --key verifies a bundle signed with a managed key, the --certificate-* flags one signed with a certificate',
    );
  });

  it('verifies a certificate bundle from the sha256 it signs; refuses another or a malformed one', async () => {
    const bundle = join(cli.dir, 'alice.sigstore.json');
    const signed = await signet(['sign', cli.artifact, '--bundle', bundle], {
      SIGSTORE_ID_TOKEN: await aliceToken(),
    });
    expect(signed.code).toBe(0);
    const hex = sha256(readFileSync(cli.artifact));
    const ok = await verify(`sha256:${hex}`, bundle, ...identityFlags(), '--json');
    expect(ok.code).toBe(0);
    const result = JSON.parse(ok.stdout);
    expect(result).toMatchObject({ verified: true, sha256: hex, bundle });
    expect(result).not.toHaveProperty('file');

    const other = sha256('another artifact');
    const mismatch = await verify(`sha256:${other}`, bundle, ...identityFlags(), '--json');
    expect(mismatch.code).toBe(1);
    expect(JSON.parse(mismatch.stdout)).toMatchObject({
      code: 'MESSAGE_DIGEST_MISMATCH',
      message: `the bundle's messageDigest is sha256:${hex}, not the given sha256:${other}`,
    });

    const malformed = await verify('sha256:abc', bundle, ...identityFlags());
    expect(malformed.code).toBe(64);
    expect(malformed.stderr).toContain(
      'signet: "sha256:abc" is neither a file nor a digest: a digest is sha256: followed by 64 hex digits',
    );
    const noBundle = await signet(['verify', `sha256:${hex}`, ...identityFlags()]);
    expect(noBundle.code).toBe(64);
    expect(noBundle.stderr).toContain(
      'signet: --bundle is required when verifying a sha256: digest',
    );
  });

  it("checks an attestation's subject against a sha256", async () => {
    const predicate = file('provenance.json', JSON.stringify({ buildType: 'test' }));
    const bundle = join(cli.dir, 'attestation.sigstore.json');
    const attested = await signet(
      [
        'attest',
        cli.artifact,
        '--predicate',
        predicate,
        '--type',
        'slsaprovenance',
        '--bundle',
        bundle,
      ],
      { SIGSTORE_ID_TOKEN: await aliceToken() },
    );
    expect(attested.code).toBe(0);
    const hex = sha256(readFileSync(cli.artifact));
    const ok = await verify(`sha256:${hex}`, bundle, ...identityFlags());
    expect(ok.code).toBe(0);
    const other = await verify(
      `sha256:${sha256('not the subject')}`,
      bundle,
      ...identityFlags(),
      '--json',
    );
    expect(other.code).toBe(1);
    expect(JSON.parse(other.stdout)).toMatchObject({ code: 'SUBJECT_DIGEST_MISMATCH' });
  });

  it('refuses (exit 2) a trusted root whose log key validity has no start', async () => {
    const json = (await (await fetch(`${cli.stack.caUrl}/api/v1/trustedRoot`)).json()) as {
      tlogs: { baseUrl: string; publicKey: { validFor: { start?: string } } }[];
    };
    const tlog = json.tlogs[0]!;
    delete tlog.publicKey.validFor.start;
    const root = file('no-start.trusted_root.json', JSON.stringify(json));
    const run = await verify(cli.artifact, keyBundle, '--key', keyFile, '--trusted-root', root);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      `signet: ${root} is not a usable trusted root: tlogs[0].publicKey.validFor has no start (${tlog.baseUrl})`,
    );
  });

  it('anchors the trusted root in a TUF root the user holds (--tuf-root), never in a bare fetch (M9)', async () => {
    // Handed out out of band: here the test is the administrator who copies it.
    const root = file(
      'root.json',
      await (await fetch(`${cli.stack.caUrl}/tuf/1.root.json`)).text(),
    );
    const run = await verify(
      cli.artifact,
      keyBundle,
      '--key',
      keyFile,
      '--tuf-root',
      root,
      '--json',
    );
    expect(run.code).toBe(0);
    expect(run.stderr).not.toContain('trusting the one it serves now');
    expect(JSON.parse(run.stdout)).toMatchObject({ verified: true });
    // The same file through SIGNET_TUF_ROOT, for `signet trust-root` too.
    const fetched = await signet(['trust-root'], { SIGNET_TUF_ROOT: root });
    expect(fetched.code).toBe(0);
    const served = (await (await fetch(`${cli.stack.caUrl}/api/v1/trustedRoot`)).json()) as object;
    // The same content.
    expect(JSON.parse(fetched.stdout)).toEqual(served);
  });

  it('refuses (exit 1) a TUF repository that another root does not sign', async () => {
    const other = join(cli.dir, 'other-tuf');
    expect((await signet(['tuf', 'init', '--out', other])).code).toBe(0);
    const run = await verify(
      cli.artifact,
      keyBundle,
      '--key',
      keyFile,
      '--tuf-root',
      join(other, 'roots', '1.root.json'),
      '--json',
    );
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout)).toMatchObject({ code: 'TUF_ERROR' });
    expect(run.stderr).toContain(
      `the trusted root could not be had through TUF from ${cli.stack.caUrl}/tuf`,
    );
  });
});
