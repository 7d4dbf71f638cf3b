#!/usr/bin/env node
// CI's dependency audit: `npm audit --omit=dev --audit-level=high`, failing on any high or critical
// advisory against what production installs. When the registry's advisory service cannot be
// reached (some mirrors answer 405 to its POST), that is said loudly on one line and is not a
// finding: there is then no result, rather than a false one.
'use strict';

const { spawnSync } = require('node:child_process');

const npm = process.env.npm_execpath;
const args = ['audit', '--omit=dev', '--audit-level=high', '--json'];
const run = npm
  ? spawnSync(process.execPath, [npm, ...args], { encoding: 'utf8' })
  : spawnSync('npm', args, { encoding: 'utf8' });

let report;
try {
  report = JSON.parse(run.stdout);
} catch {
  process.stderr.write(`npm audit printed no JSON (exit ${run.status}):\n${run.stderr}\n`);
  process.exit(1);
}

const counts = report.metadata && report.metadata.vulnerabilities;
if (!counts) {
  const why = report.statusCode ? `HTTP ${report.statusCode}` : 'no answer';
  process.stdout.write(
    `npm audit: NO RESULT, the advisory service could not be queried (${why})\n`,
  );
  process.exit(0);
}
const serious = (counts.high || 0) + (counts.critical || 0);
process.stdout.write(
  `npm audit --omit=dev: ${counts.total || 0} advisories (critical ${counts.critical || 0}, high ${counts.high || 0}, moderate ${counts.moderate || 0}, low ${counts.low || 0})\n`,
);
if (serious > 0) {
  for (const [name, v] of Object.entries(report.vulnerabilities || {})) {
    if (v.severity === 'high' || v.severity === 'critical') {
      process.stdout.write(`  ${v.severity}: ${name} ${v.range}\n`);
    }
  }
  process.exit(1);
}
