import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInThisContext } from 'node:vm';

/**
 * SoftHSM2 stands in for a real HSM. It is required: a missing library fails the tests that use
 * it (with how to install it) rather than skipping the only tests of the PKCS#11 path.
 */
export const SOFTHSM_MODULE = '/usr/lib/softhsm/libsofthsm2.so';

export interface SoftHsmToken {
  readonly modulePath: string;
  readonly label: string;
  readonly pin: string;
  readonly dir: string;
  /** Runs softhsm2-util against this token's configuration. */
  util(...args: string[]): void;
  remove(): void;
}

/** A fresh SoftHSM2 token in a directory of its own, initialised with `pin`. */
export function softHsmToken(label: string, pin: string): SoftHsmToken {
  if (!existsSync(SOFTHSM_MODULE)) {
    throw new Error(
      `${SOFTHSM_MODULE} not found: install softhsm2 (apt-get install softhsm2; .ci/run does)`,
    );
  }
  const dir = mkdtempSync(join(tmpdir(), 'signet-softhsm-'));
  mkdirSync(join(dir, 'tokens'));
  const conf = join(dir, 'softhsm2.conf');
  writeFileSync(
    conf,
    `directories.tokendir = ${dir}/tokens\nobjectstore.backend = file\nlog.level = ERROR\n`,
  );
  // SoftHSM reads SOFTHSM2_CONF with getenv() at C_Initialize. Jest gives each test file a copy
  // of process.env, so set it on the real process object, reached outside Jest's sandbox.
  (runInThisContext('process') as NodeJS.Process).env.SOFTHSM2_CONF = conf;
  const util = (...args: string[]): void => {
    execFileSync('softhsm2-util', args, {
      env: { ...process.env, SOFTHSM2_CONF: conf },
      stdio: 'pipe',
    });
  };
  util('--init-token', '--free', '--label', label, '--pin', pin, '--so-pin', '654321');
  return {
    modulePath: SOFTHSM_MODULE,
    label,
    pin,
    dir,
    util,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
