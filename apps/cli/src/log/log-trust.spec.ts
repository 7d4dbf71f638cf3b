import { tempDirs } from '@app/testing/temp-dir';
import { CliError } from '../cli/exit-codes';
import { recordingContext } from '../cli/testing';
import { optionalTrustedRoot } from './log-trust';

const tempDir = tempDirs();

/** I1: reading the log without a way to check it is a failure unless asked for. */
describe(optionalTrustedRoot.name, () => {
  const instance = { caUrl: 'http://127.0.0.1:9', logUrl: 'http://127.0.0.1:9' };
  const unreachable = () =>
    Promise.reject(
      Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } }),
    );

  it('fails (exit 1) when no trusted root can be had, saying how to proceed', async () => {
    const ctx = recordingContext({ XDG_CACHE_HOME: tempDir('cache') }, unreachable);
    const err = await optionalTrustedRoot(ctx, instance, undefined).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(CliError);
    expect(err).toMatchObject({ exitCode: 1, code: 'TRUSTED_ROOT_ERROR' });
    expect((err as Error).message).toMatch(
      /^checkpoint signatures cannot be checked \(.+\); pass --trusted-root FILE, or --no-verify to read the log unchecked$/,
    );
  });

  it('reads on unchecked with --no-verify, and says so', async () => {
    const ctx = recordingContext({ XDG_CACHE_HOME: tempDir('cache') }, unreachable);
    expect(await optionalTrustedRoot(ctx, instance, undefined, true)).toBeUndefined();
    expect(ctx.err).toEqual([
      expect.stringMatching(/^warning: --no-verify: checkpoint signatures not checked: /),
    ]);
  });
});
