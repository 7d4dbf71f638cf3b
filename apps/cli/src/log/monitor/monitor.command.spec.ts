import { CliError } from '../../cli/exit-codes';
import { recordingContext } from '../../cli/testing';
import { tempDirs } from '@app/testing/temp-dir';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { logMonitor } from './monitor.command';

const tempDir = tempDirs();

/** Usage and configuration are refused before anything is fetched, naming the field (exit 64). */
describe(logMonitor.name, () => {
  const refused = async (argv: string[]): Promise<CliError> => {
    const noNetwork = () => Promise.reject(new Error('no request expected'));
    const err = await logMonitor(argv, recordingContext({}, noNetwork)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(CliError);
    expect(err).toMatchObject({ exitCode: 64 });
    return err as CliError;
  };

  it('needs a state file', async () => {
    expect((await refused(['--once'])).message).toBe(
      '--state FILE (or state: in --config) is required',
    );
  });

  it('names a log it does not know, and a webhook in plain http elsewhere than loopback', async () => {
    expect((await refused(['--state', 's.json', '--log', 'nope'])).message).toBe(
      '--log must be one of artifact, ct, rekor-v2, got "nope"',
    );
    expect(
      (await refused(['--state', 's.json', '--webhook', 'http://hooks.example.com/x'])).message,
    ).toBe(
      '--webhook http://hooks.example.com/x is plain http to a host that is not loopback; use https',
    );
  });

  it('wants --policy-key for expected versions, and the artifact log for policy', async () => {
    expect((await refused(['--state', 's', '--expect-policy', 'ab'])).message).toBe(
      '--expect-policy and --expect-policy-file need --policy-key',
    );
    expect((await refused(['--state', 's', '--once', '--interval', '5'])).message).toBe(
      'give --once or --interval, not both',
    );
    expect((await refused(['--state', 's', '--digest', 'sha256:AB'])).message).toBe(
      '--digests[0]: must be sha256: and 64 lowercase hex digits',
    );
  });

  it('lists every bad field of --config', async () => {
    const config = join(tempDir('monitor'), 'bad.yaml');
    writeFileSync(
      config,
      'identities:\n  - subjectRegExp: "("\nlogs: [artifact, {log: ct, oids: [{oid: x}]}]\npolicy: {expect: [abc]}\n',
    );
    const { message } = await refused(['--config', config]);
    expect(message).toMatch(/^--config .*bad\.yaml: /);
    expect(message).toContain('identities[0].subjectRegExp: invalid regular expression');
    expect(message).toContain('logs[1].oids[0].oid: must be a dotted object identifier');
    expect(message).toContain('policy.key: must be a non-empty string');
    expect(message).toContain(
      'policy.expect[0]: must be a SHA-256 digest, 64 lowercase hex digits',
    );
  });
});
