#!/usr/bin/env node
// The Debian packages the test suites need, installed when missing (apt-get, as root or through
// passwordless sudo). Where that is impossible the run stops at once with one line naming the
// package: a missing SoftHSM2 never turns into skipped PKCS#11 tests. Plain CommonJS: it runs
// before anything is built, on whatever Node ran npm.
'use strict';

const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');

/** Each package, and the files whose presence says it is installed. */
const PACKAGES = [
  {
    name: 'softhsm2',
    files: ['/usr/lib/softhsm/libsofthsm2.so', '/usr/bin/softhsm2-util'],
    neededBy: 'the PKCS#11 tests',
  },
  // Debian's own build (playwright-core is pinned to its major version): never a downloaded one.
  { name: 'chromium', files: ['/usr/bin/chromium'], neededBy: 'the admin console browser tests' },
  // The container image tests: a real OCI registry (the CNCF distribution registry 2.8, which has
  // no referrers API), skopeo to push fixture images and read back what Signet writes, and
  // htpasswd -B for the bcrypt password file of the registry behind Basic auth.
  {
    name: 'docker-registry',
    files: ['/usr/bin/docker-registry'],
    neededBy: 'the container image tests',
  },
  { name: 'skopeo', files: ['/usr/bin/skopeo'], neededBy: 'the container image tests' },
  { name: 'apache2-utils', files: ['/usr/bin/htpasswd'], neededBy: 'the container image tests' },
  // A system PostgreSQL server (Debian's binaries, whatever major the release ships), run by the
  // crash suite as a private cluster in a temp dir: never the machine's own service.
  {
    name: 'postgresql',
    files: [],
    installed: () => systemPostgresBinDir() !== undefined,
    neededBy: 'the crash consistency tests',
  },
];

/** The bin dir of the newest Debian PostgreSQL major with initdb and postgres, or undefined. */
function systemPostgresBinDir() {
  let majors;
  try {
    majors = fs.readdirSync('/usr/lib/postgresql').filter((d) => /^\d+$/.test(d));
  } catch {
    return undefined;
  }
  const dirs = majors
    .sort((a, b) => Number(b) - Number(a))
    .map((m) => `/usr/lib/postgresql/${m}/bin`)
    .filter((d) => fs.existsSync(`${d}/initdb`) && fs.existsSync(`${d}/postgres`));
  return dirs[0];
}

function missing() {
  return PACKAGES.filter((p) =>
    p.installed ? !p.installed() : !p.files.every((f) => fs.existsSync(f)),
  ).map((p) => p.name);
}

function neededBy(names) {
  const needs = PACKAGES.filter((p) => names.includes(p.name)).map((p) => p.neededBy);
  return [...new Set(needs)].join(' and ');
}

function canRun(cmd, args) {
  return spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
}

/** Installs what is missing; returns an error line when it cannot, else undefined. */
function ensurePackages() {
  const names = missing();
  if (names.length === 0) return undefined;
  const manual = `install the Debian package${names.length > 1 ? 's' : ''} ${names.join(' ')} (apt-get install ${names.join(' ')})`;
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  const prefix = root ? [] : canRun('sudo', ['-n', 'true']) ? ['sudo', '-n'] : undefined;
  if (prefix === undefined || !canRun('apt-get', ['--version'])) {
    return `missing system package: ${manual}; ${neededBy(names)} need it`;
  }
  process.stderr.write(`installing system packages the tests need: ${names.join(' ')}\n`);
  const run = (args) => {
    const [cmd, ...rest] = [...prefix, ...args];
    execFileSync(cmd, rest, {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  };
  try {
    run(['apt-get', 'update', '-qq']);
    run(['apt-get', 'install', '-y', '-qq', '--no-install-recommends', ...names]);
  } catch {
    return `could not install ${names.join(' ')}: ${manual}`;
  }
  const still = missing();
  return still.length ? `still missing after apt-get: ${still.join(' ')}` : undefined;
}

module.exports = { ensurePackages, systemPostgresBinDir };

if (require.main === module) {
  const error = ensurePackages();
  if (error) {
    process.stderr.write(`${error}\n`);
    process.exit(1);
  }
}
