import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { tempDirs } from '@app/testing/temp-dir';
import { recordingContext } from '../cli/testing';
import { run } from '../main';
import { ed25519, fixtureRoot } from './export-root.fixture';
import { trustRootExport } from './trust-root-export.command';

const IDENTITY = [
  '--certificate-identity',
  'alice@example.com',
  '--certificate-oidc-issuer',
  'https://idp.example.com',
];

describe(trustRootExport.name, () => {
  const tempDir = tempDirs();
  let dir: string;
  let rootFile: string;

  beforeEach(async () => {
    dir = tempDir('export');
    rootFile = join(dir, 'trusted_root.json');
    writeFileSync(rootFile, JSON.stringify((await fixtureRoot()).json));
  });

  const signet = (...args: string[]) => {
    const ctx = recordingContext({ XDG_CACHE_HOME: join(dir, 'cache') });
    return { ctx, done: run(['trust-root', 'export', '--trusted-root', rootFile, ...args], ctx) };
  };

  it('prints the policy-controller objects from a pinned trusted root', async () => {
    const { ctx, done } = signet('--format', 'policy-controller', ...IDENTITY);
    await expect(done).resolves.toBe(0);
    const docs = parseAllDocuments(ctx.out.join('\n')).map((d) => d.toJS() as { kind: string });
    expect(docs.map((d) => d.kind)).toEqual(['TrustRoot', 'ClusterImagePolicy']);
    expect(ctx.err).toContain(`exported the trusted root of ${rootFile} for policy-controller`);
  });

  it('writes containers-policy files under --out DIR and lists them with --json', async () => {
    const out = join(dir, 'containers');
    const { ctx, done } = signet(
      '--format',
      'containers-policy',
      '--out',
      out,
      '--json',
      ...IDENTITY,
    );
    await expect(done).resolves.toBe(0);
    const files = [join(out, 'policy.json'), join(out, 'registries.d', 'signet.yaml')];
    expect(JSON.parse(ctx.out[0]!)).toEqual({
      format: 'containers-policy',
      trustedRoot: rootFile,
      files,
    });
    expect(JSON.parse(readFileSync(files[0]!, 'utf8'))).toHaveProperty('transports.docker');
  });

  it('refuses containers-policy without --out (64), before reading any trusted root', async () => {
    rootFile = join(dir, 'absent.json');
    await expect(signet('--format', 'containers-policy', ...IDENTITY).done).rejects.toMatchObject({
      exitCode: 64,
      message: '--format containers-policy writes two files: give --out DIR',
    });
  });

  it('refuses (exit 2, with --json) an instance its verifier cannot check', async () => {
    writeFileSync(
      rootFile,
      JSON.stringify((await fixtureRoot({ tlogs: [{ key: ed25519() }] })).json),
    );
    const { ctx, done } = signet('--format', 'kyverno', '--json', ...IDENTITY);
    await expect(done).rejects.toMatchObject({ exitCode: 2, code: 'UNSUPPORTED_BY_VERIFIER' });
    expect(JSON.parse(ctx.out[0]!)).toMatchObject({ exitCode: 2, code: 'UNSUPPORTED_BY_VERIFIER' });
  });
});
