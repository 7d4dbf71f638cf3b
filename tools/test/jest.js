#!/usr/bin/env node
// Every test run goes through here (`npm test`, `npm run check`, `npm run test:unit|db`):
// 1. system packages the suites need are installed, or the run stops with one line naming them;
// 2. Jest runs with a temp dir of its own (TMPDIR), and with --experimental-vm-modules, which Jest
//    needs to load ESM-only dependencies through require() (sigstore-js 5 pulls some in);
// 3. after Jest, that temp dir must be empty: whatever a test left behind is listed and fails the
//    run, and the dir is removed either way.
// `--project NAME` (ours) becomes Jest's `--selectProjects NAME` placed last, so that test paths
// given after it (`npm run test:unit -- some.spec.ts`) stay paths instead of project names.
'use strict';

const { spawnSync } = require('node:child_process');
const { ensurePackages } = require('../system/packages');
const { leftoverReport, withTempDir } = require('./temp-dir');

const error = ensurePackages();
if (error) {
  process.stderr.write(`${error}\n`);
  process.exit(1);
}

const args = process.argv.slice(2);
const at = args.indexOf('--project');
const project = at === -1 ? [] : ['--selectProjects', ...args.splice(at, 2).slice(1)];
const jest = require.resolve('jest/bin/jest');
const { result, left } = withTempDir((env) =>
  spawnSync(
    process.execPath,
    [
      '--experimental-vm-modules',
      '--disable-warning=ExperimentalWarning',
      jest,
      ...args,
      ...project,
    ],
    { stdio: 'inherit', env },
  ),
);

const report = leftoverReport(left);
if (report !== undefined) process.stderr.write(`${report}\n`);
if (result.signal) process.kill(process.pid, result.signal);
process.exit(result.status !== 0 ? (result.status ?? 1) : left.length > 0 ? 1 : 0);
