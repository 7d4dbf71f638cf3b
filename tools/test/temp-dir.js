// The temp dir that tools/test/jest.js gives each test run, and the check that the run left it
// empty.
'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

/**
 * Calls `run(env)`, where `env` is process.env with TMPDIR, TMP and TEMP set to a fresh dir of
 * its own, then removes that dir, also when `run` throws. Returns what `run` returned and the
 * names of the entries left in the dir, sorted.
 */
function withTempDir(run) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'signet-test-run-'));
  try {
    // Sticky and world-writable like /tmp: as root, the embedded Postgres runs as `postgres` and
    // writes there too.
    fs.chmodSync(tmp, 0o1777);
    const result = run({ ...process.env, TMPDIR: tmp, TMP: tmp, TEMP: tmp });
    return { result, left: fs.readdirSync(tmp).sort() };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** The line naming what the tests left in their temp dir, or undefined when they left nothing. */
function leftoverReport(left) {
  if (left.length === 0) return undefined;
  const entries = left.length === 1 ? 'entry' : 'entries';
  return `tests left ${left.length} ${entries} in the temp dir: ${left.join(', ')}`;
}

module.exports = { withTempDir, leftoverReport };
