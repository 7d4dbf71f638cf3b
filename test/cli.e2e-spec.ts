/* The built `signet` command (dist/apps/cli/src/main.js) against a running log and CA, as a CI
   job would run it: sign and verify, exit codes, --json results, and interoperability with
   stock sigstore-js in both directions. Attestations, CI tokens and the log: cli-attest-log. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleFromJSON } from '@sigstore/bundle';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { toSignedEntity, toTrustMaterial, Verifier } from '@sigstore/verify';
import * as sigstore from 'sigstore';
import { freePort } from '@app/devkit';
import { ALICE, useCliStack } from './support/cli-stack';
import type { CliRun } from './support/processes';

describe('signet sign and verify (built CLI) against the stack', () => {
  const cli = useCliStack();
  const { signet, identityFlags, file, aliceToken } = cli;
  const trustedRoot = async () =>
    TrustedRoot.fromJSON(await (await fetch(`${cli.stack.caUrl}/api/v1/trustedRoot`)).json());

  describe('sign and verify', () => {
    let signed: CliRun;

    beforeAll(async () => {
      signed = await signet([
        'sign',
        cli.artifact,
        '--identity-token',
        await aliceToken(),
        '--json',
      ]);
    });

    it('signs: a v0.3 bundle beside the file, status on stderr, the result as JSON on stdout', () => {
      expect(signed.code).toBe(0);
      expect(signed.stderr).toContain('identity token from --identity-token');
      expect(signed.stderr).toContain(`certificate issued to ${ALICE}`);
      const result = JSON.parse(signed.stdout);
      expect(result).toMatchObject({
        bundle: `${cli.artifact}.sigstore.json`,
        mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
        identity: { subjectAlternativeName: ALICE, issuer: cli.stack.fx.email.url },
        tlogEntries: [{ logIndex: expect.stringMatching(/^\d+$/) }],
      });
      const json = JSON.parse(readFileSync(`${cli.artifact}.sigstore.json`, 'utf8'));
      expect(json.verificationMaterial.certificate.rawBytes).toEqual(expect.any(String));
      expect(json.verificationMaterial.tlogEntries[0].kindVersion).toEqual({
        kind: 'hashedrekord',
        version: '0.0.1',
      });
    });

    it('verifies (exit 0) with a --json result, and caches the trusted root', async () => {
      const run = await signet(['verify', cli.artifact, ...identityFlags(), '--json']);
      expect(run).toMatchObject({ code: 0 });
      expect(run.stderr).toContain('Verified OK');
      expect(JSON.parse(run.stdout)).toEqual({
        verified: true,
        file: cli.artifact,
        sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
        bundle: `${cli.artifact}.sigstore.json`,
        mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
        identity: { subjectAlternativeName: ALICE, issuer: cli.stack.fx.email.url },
        extensions: expect.objectContaining({ '1.3.6.1.4.1.57264.1.8': cli.stack.fx.email.url }),
        tlogEntries: [expect.objectContaining({ logIndex: expect.any(String) })],
        trustedRoot: `${cli.stack.caUrl}/api/v1/trustedRoot`,
      });
      const host = new URL(cli.stack.caUrl).host.replace(':', '_');
      expect(existsSync(join(cli.dir, 'cache/signet', host, 'trusted_root.json'))).toBe(true);
    });

    it('fails (exit 1) for another identity, an unanchored near-match, or another issuer', async () => {
      const other = await signet(['verify', cli.artifact, ...identityFlags('bob@example.com')]);
      expect(other.code).toBe(1);
      expect(other.stderr).toContain(
        `--certificate-identity: the certificate does not match "bob@example.com" (it has "${ALICE}")`,
      );
      const partial = await signet([
        'verify',
        cli.artifact,
        '--certificate-identity-regexp',
        'lice@example\\.com',
        '--certificate-oidc-issuer',
        cli.stack.fx.email.url,
      ]);
      expect(partial.code).toBe(1);
      expect(partial.stderr).toContain(
        'does not match /^(?:lice@example\\.com)$/ (it has "alice@example.com")',
      );
      const regexp = await signet([
        'verify',
        cli.artifact,
        '--certificate-identity-regexp',
        '[a-z]+@example\\.com',
        '--certificate-oidc-issuer-regexp',
        'http://127\\.0\\.0\\.1:\\d+',
      ]);
      expect(regexp.code).toBe(0);
      const issuer = await signet([
        'verify',
        cli.artifact,
        ...identityFlags(ALICE, () => cli.stack.fx.github.url),
        '--json',
      ]);
      expect(issuer.code).toBe(1);
      expect(JSON.parse(issuer.stdout)).toMatchObject({
        verified: false,
        exitCode: 1,
        code: 'IDENTITY_MISMATCH',
      });
    });

    it('fails (exit 1) for a tampered file, naming the signature check', async () => {
      const tampered = file('tampered.tar.gz', 'release 1.2.3 of the app, patched');
      const run = await signet([
        'verify',
        tampered,
        '--bundle',
        `${cli.artifact}.sigstore.json`,
        ...identityFlags(),
        '--json',
      ]);
      expect(run.code).toBe(1);
      expect(JSON.parse(run.stdout)).toMatchObject({ verified: false, code: 'SIGNATURE_ERROR' });
      expect(run.stderr).toContain('the signature does not cover this file');
    });

    it('fails (exit 1) for a bundle whose log entry was altered', async () => {
      const json = JSON.parse(readFileSync(`${cli.artifact}.sigstore.json`, 'utf8'));
      const entry = json.verificationMaterial.tlogEntries[0];
      entry.integratedTime = String(Number(entry.integratedTime) + 1);
      const bundle = file('altered.sigstore.json', JSON.stringify(json));
      const run = await signet(['verify', cli.artifact, '--bundle', bundle, ...identityFlags()]);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/TLOG_INCLUSION_PROMISE_ERROR/);
    });

    it('verifies offline with --trusted-root while the CA is down', async () => {
      const rootFile = join(cli.dir, 'trusted_root.json');
      const out = await signet(['trust-root', '--out', rootFile]);
      expect(out.code).toBe(0);
      expect(out.stderr).toContain(`wrote the trusted root of ${cli.stack.caUrl}`);
      expect(JSON.parse(readFileSync(rootFile, 'utf8'))).toEqual(
        await (await fetch(`${cli.stack.caUrl}/api/v1/trustedRoot`)).json(),
      );
      const down = `http://127.0.0.1:${await freePort()}`;
      const offline = await signet(
        ['verify', cli.artifact, ...identityFlags(), '--trusted-root', rootFile],
        { SIGNET_CA_URL: down },
      );
      expect(offline.code).toBe(0);
      // Without --trusted-root and without a cache, an unreachable CA is exit 4.
      const uncached = await signet(['verify', cli.artifact, ...identityFlags()], {
        SIGNET_CA_URL: down,
        XDG_CACHE_HOME: join(cli.dir, 'empty-cache'),
      });
      expect(uncached.code).toBe(4);
      expect(uncached.stderr).toContain(`trusted root: cannot reach ${down}`);
    });

    it('makes bundles that unmodified @sigstore/verify accepts', async () => {
      const bundle = bundleFromJSON(
        JSON.parse(readFileSync(`${cli.artifact}.sigstore.json`, 'utf8')),
      );
      const signer = new Verifier(toTrustMaterial(await trustedRoot())).verify(
        toSignedEntity(bundle, readFileSync(cli.artifact)),
        { subjectAlternativeName: ALICE, extensions: { issuer: cli.stack.fx.email.url } },
      );
      expect(signer.identity?.subjectAlternativeName).toBe(ALICE);
    });
  });

  it('verifies a bundle made by unmodified sigstore-js (sigstore.sign)', async () => {
    const data = Buffer.from('signed by stock sigstore-js');
    const bundle = await sigstore.sign(data, {
      fulcioURL: cli.stack.caUrl,
      rekorURL: cli.stack.logUrl,
      identityToken: await aliceToken(),
    });
    const path = file('stock.txt', data);
    file('stock.txt.sigstore.json', JSON.stringify(bundle));
    const run = await signet(['verify', path, ...identityFlags()]);
    expect(run.stderr).toContain('Verified OK');
    expect(run.code).toBe(0);
  });

  it('denies an identity without a rule (exit 3) and reports an unreachable CA (exit 4)', async () => {
    const mallory = await cli.stack.fx.email.mint({
      sub: 'user-2',
      email: 'mallory@example.com',
      email_verified: true,
    });
    const denied = await signet(['sign', cli.artifact, '--bundle', join(cli.dir, 'x.json')], {
      SIGSTORE_ID_TOKEN: mallory,
    });
    expect(denied.code).toBe(3);
    expect(denied.stderr).toContain('identity token from SIGSTORE_ID_TOKEN');
    expect(denied.stderr).toMatch(/\(403\)/);
    expect(existsSync(join(cli.dir, 'x.json'))).toBe(false);

    const down = `http://127.0.0.1:${await freePort()}`;
    const unreachable = await signet(
      ['sign', cli.artifact, '--bundle', join(cli.dir, 'y.json'), '--ca-url', down, '--json'],
      { SIGSTORE_ID_TOKEN: await aliceToken() },
    );
    expect(unreachable.code).toBe(4);
    expect(JSON.parse(unreachable.stdout)).toMatchObject({ exitCode: 4 });
  });
});
