#!/usr/bin/env node
// Every test run goes through here (`npm test`, `npm run check`, `npm run test:unit|db`):
// 1. system packages the suites need are installed, or the run stops with one line naming them;
// 2. Jest runs with a temp dir of its own (TMPDIR), and with --experimental-vm-modules, which Jest
//    needs to load ESM-only dependencies through require() (sigstore-js 5 pulls some in);
// 3. after Jest, that temp dir must be empty: whatever a test left behind is listed and fails the
//    run, and the dir is removed either way.
'use strict';

const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { ensurePackages } = require('../system/packages');

const error = ensurePackages();
if (error) {
  process.stderr.write(`${error}\n`);
  process.exit(1);
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'signet-test-run-'));
// Sticky and world-writable like /tmp: as root, the embedded Postgres runs as `postgres` and
// writes there too.
fs.chmodSync(tmp, 0o1777);
const jest = require.resolve('jest/bin/jest');
const result = spawnSync(
  process.execPath,
  [
    '--experimental-vm-modules',
    '--disable-warning=ExperimentalWarning',
    jest,
    ...process.argv.slice(2),
  ],
  { stdio: 'inherit', env: { ...process.env, TMPDIR: tmp, TMP: tmp, TEMP: tmp } },
);

let left = [];
try {
  left = fs.readdirSync(tmp);
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
if (left.length > 0) {
  process.stderr.write(
    `tests left ${left.length} entr${left.length === 1 ? 'y' : 'ies'} in the temp dir: ${left.sort().join(', ')}\n`,
  );
}
if (result.signal) process.kill(process.pid, result.signal);
process.exit(result.status !== 0 ? (result.status ?? 1) : left.length > 0 ? 1 : 0);
