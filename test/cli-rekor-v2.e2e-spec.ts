/* `signet` parity with the newest clients (issue 16): services chosen from the signing config as
   sigstore-go chooses them, v0.3 bundles with RFC 3161 timestamps, Rekor v2 for blobs and for
   DSSE (as a hashedrekord over the PAE), and sigstore-conformance's sign-bundle/verify-bundle. */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ALICE, useCliStack } from './support/cli-stack';

interface BundleJson {
  verificationMaterial: {
    tlogEntries: Array<{ kindVersion: { kind: string; version: string } }>;
    timestampVerificationData?: { rfc3161Timestamps?: unknown[] };
  };
}

describe('signet against an instance whose signing config chooses Rekor v2', () => {
  const cli = useCliStack([], { CA_SIGNING_LOG: 'v2' });
  const bundleAt = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as BundleJson;
  const served = async (path: string) => (await fetch(`${cli.stack.caUrl}${path}`)).text();

  it('signs a file to the v2 log with a timestamp, and verifies it', async () => {
    const token = await cli.aliceToken();
    const signed = await cli.signet(['sign', cli.artifact, '--identity-token', token]);
    expect(signed.code).toBe(0);
    expect(signed.stderr).toContain(
      `log ${cli.stack.logV2Url} (Rekor v2), timestamps from ${cli.stack.caUrl}/api/v1/timestamp`,
    );
    const bundle = bundleAt(`${cli.artifact}.sigstore.json`);
    expect(bundle.verificationMaterial.tlogEntries[0]!.kindVersion).toEqual({
      kind: 'hashedrekord',
      version: '0.0.2',
    });
    expect(bundle.verificationMaterial.timestampVerificationData?.rfc3161Timestamps).toHaveLength(
      1,
    );
    const verified = await cli.signet([
      'verify',
      cli.artifact,
      '--bundle',
      `${cli.artifact}.sigstore.json`,
      ...cli.identityFlags(),
    ]);
    expect(verified.code).toBe(0);
  });

  it('attests to the v2 log as a hashedrekord over the DSSE PAE, and verifies it', async () => {
    const predicate = cli.file(
      'provenance.json',
      JSON.stringify({ buildType: 'https://example.com/build' }),
    );
    const token = await cli.aliceToken();
    const attested = await cli.signet([
      'attest',
      cli.artifact,
      '--predicate',
      predicate,
      '--type',
      'slsaprovenance',
      '--identity-token',
      token,
    ]);
    expect(attested.code).toBe(0);
    const path = `${cli.artifact}.intoto.sigstore.json`;
    expect(bundleAt(path).verificationMaterial.tlogEntries[0]!.kindVersion).toEqual({
      kind: 'hashedrekord',
      version: '0.0.2',
    });
    expect(
      (await cli.signet(['verify', cli.artifact, '--bundle', path, ...cli.identityFlags()])).code,
    ).toBe(0);
  });

  it('speaks the conformance protocol: sign-bundle and verify-bundle, v2 and v1, file and digest, in-toto', async () => {
    const trustedRoot = cli.file('trusted_root.json', await served('/api/v1/trustedRoot'));
    const configV2 = JSON.parse(await served('/api/v1/signingConfig')) as {
      rekorTlogUrls: Array<{ majorApiVersion: number }>;
    };
    const v2 = cli.file('signing_config_v2.json', JSON.stringify(configV2));
    const v1 = cli.file(
      'signing_config_v1.json',
      JSON.stringify({
        ...configV2,
        rekorTlogUrls: configV2.rekorTlogUrls.filter((s) => s.majorApiVersion === 1),
      }),
    );
    const digest = `sha256:${createHash('sha256').update(readFileSync(cli.artifact)).digest('hex')}`;
    for (const [config, version] of [
      [v2, '0.0.2'],
      [v1, '0.0.1'],
    ] as const) {
      const bundle = `${config}.bundle.json`;
      const signed = await cli.signet([
        'sign-bundle',
        '--identity-token',
        await cli.aliceToken(),
        '--bundle',
        bundle,
        '--trusted-root',
        trustedRoot,
        '--signing-config',
        config,
        cli.artifact,
      ]);
      expect(signed.code).toBe(0);
      expect(bundleAt(bundle).verificationMaterial.tlogEntries[0]!.kindVersion.version).toBe(
        version,
      );
      for (const target of [cli.artifact, digest]) {
        const verified = await cli.signet([
          'verify-bundle',
          '--bundle',
          bundle,
          '--certificate-identity',
          ALICE,
          '--certificate-oidc-issuer',
          cli.stack.fx.email.url,
          '--trusted-root',
          trustedRoot,
          target,
        ]);
        expect({ target, code: verified.code, stderr: verified.stderr }).toMatchObject({ code: 0 });
      }
      const wrong = await cli.signet([
        'verify-bundle',
        '--bundle',
        bundle,
        '--certificate-identity',
        'mallory@example.com',
        '--certificate-oidc-issuer',
        cli.stack.fx.email.url,
        '--trusted-root',
        trustedRoot,
        cli.artifact,
      ]);
      expect(wrong.code).not.toBe(0);
    }
    const statement = cli.file(
      'statement.json',
      JSON.stringify({
        _type: 'https://in-toto.io/Statement/v1',
        subject: [{ name: 'app.tar.gz', digest: { sha256: digest.slice(7) } }],
        predicateType: 'https://slsa.dev/provenance/v1',
        predicate: {},
      }),
    );
    const dsse = cli.file('dsse.bundle.json', '');
    const signed = await cli.signet([
      'sign-bundle',
      '--in-toto',
      '--identity-token',
      await cli.aliceToken(),
      '--bundle',
      dsse,
      '--signing-config',
      v2,
      statement,
    ]);
    expect(signed.code).toBe(0);
    const verified = await cli.signet([
      'verify-bundle',
      '--bundle',
      dsse,
      '--certificate-identity',
      ALICE,
      '--certificate-oidc-issuer',
      cli.stack.fx.email.url,
      '--trusted-root',
      trustedRoot,
      cli.artifact,
    ]);
    expect(verified.code).toBe(0);
  });
});
