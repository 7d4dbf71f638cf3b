/* Temp dirs that tests remove again: tools/test/jest.js fails a run that leaves anything in the
   OS temp dir. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Creates `<os temp dir>/signet-<name>-XXXXXX` and returns its path. */
export function makeTempDir(name: string): string {
  return mkdtempSync(join(tmpdir(), `signet-${name}-`));
}

/** Removes `dir` and everything in it; a missing `dir` is fine. */
export function removeTempDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/**
 * Registers `after` (`afterEach` by default, or `afterAll`) in the calling describe or file, and
 * returns a `makeTempDir` whose dirs that hook removes, whether the tests passed or failed.
 */
export function tempDirs(after: (fn: () => void) => void = afterEach): (name: string) => string {
  const made: string[] = [];
  after(() => {
    for (const dir of made.splice(0)) removeTempDir(dir);
  });
  return (name) => {
    const dir = makeTempDir(name);
    made.push(dir);
    return dir;
  };
}
