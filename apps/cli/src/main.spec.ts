import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { recordingContext } from './cli/testing';
import { run, usage } from './main';

const commands = [
  ['sign'],
  ['attest'],
  ['verify'],
  ['trust-root'],
  ['trust-root', 'export'],
  ['log'],
  ['log', 'info'],
  ['log', 'get'],
  ['log', 'search'],
  ['log', 'proof'],
  ['log', 'audit'],
  ['ca'],
  ['admin'],
  ['admin', 'token', 'create'],
  ['admin', 'audit'],
  ['admin', 'rules'],
  ['admin', 'rules', 'export'],
  ['image'],
  ['image', 'sign'],
  ['image', 'attest'],
  ['image', 'verify'],
  ['image', 'tree'],
];

describe(run.name, () => {
  it.each(commands)('prints help with examples for `%s %s --help`', async (...command) => {
    const ctx = recordingContext();
    await expect(run([...command.filter(Boolean), '--help'], ctx)).resolves.toBe(0);
    expect(ctx.out.join('\n')).toMatch(/Usage:[\s\S]*Examples:/);
  });

  it('prints the usage for --help and no arguments', async () => {
    for (const argv of [['--help'], []]) {
      const ctx = recordingContext();
      await expect(run(argv, ctx)).resolves.toBe(0);
      expect(ctx.out).toEqual([usage.trimEnd()]);
    }
  });

  it('refuses unknown commands and options as bad usage (64)', async () => {
    await expect(run(['frobnicate'], recordingContext())).rejects.toMatchObject({ exitCode: 64 });
    await expect(run(['log', 'tail'], recordingContext())).rejects.toMatchObject({ exitCode: 64 });
    await expect(run(['sign', 'f', '--nope'], recordingContext())).rejects.toMatchObject({
      code: 'ERR_PARSE_ARGS_UNKNOWN_OPTION',
    });
  });

  it('prints a JSON failure on stdout with --json', async () => {
    const ctx = recordingContext();
    await expect(
      run(['verify', 'f', '--json', '--certificate-identity', 'a'], ctx),
    ).rejects.toMatchObject({ exitCode: 64 });
    expect(JSON.parse(ctx.out[0]!)).toEqual({
      verified: false,
      exitCode: 64,
      message:
        '--certificate-oidc-issuer or --certificate-oidc-issuer-regexp is required (or --key for a managed key)',
    });
  });

  it('matches the usage shown in the README', () => {
    const readme = readFileSync(join(__dirname, '../../../README.md'), 'utf8');
    const shown = /```text\n\$ signet --help\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(shown).toBe(usage);
  });
});
