#!/usr/bin/env node
// The verification half of sigstore-conformance (github.com/sigstore/sigstore-conformance,
// test/test_bundle.py `test_verify`), run against the built `signet verify` without Python:
// every case folder of test/assets/bundle-verify, once with the artifact's path (PATH) and once
// with `sha256:<hex>` (DIGEST), mapped from the suite's CLI protocol (docs/cli_protocol.md):
//   verify-bundle --bundle B (--certificate-identity I --certificate-oidc-issuer U | --key K)
//                 [--trusted-root T] FILE_OR_DIGEST
//   -> signet verify FILE_OR_DIGEST --bundle B (… | --key K) --trusted-root T
// A folder whose name ends in `_fail` must make signet exit non-zero; any other must exit 0.
// Materials follow the suite's BundleMaterials.from_dir: optional `artifact` (else a.txt beside
// the folders), `identity`, `issuer`, `key.pub` (then --key instead of the identity) and
// `trusted_root.json`, else Sigstore's public-good production root, taken offline from the seed
// of @sigstore/tuf (the trusted_root.json target of tuf-repo-cdn.sigstore.dev).
//
// Usage: npm run conformance -- ASSETS [--only SUBSTRING] [--verbose]   (builds, then runs this
// with the project's Node)
// ASSETS is the suite's test/assets (or its bundle-verify folder). The assets are not Signet's:
// fetch them (README, "Conformance"), never commit them. Exits 0 only when every run scores.
'use strict';

const { spawn } = require('node:child_process');
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const IDENTITY =
  'https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main';
const ISSUER = 'https://token.actions.githubusercontent.com';
const ROOT = path.join(__dirname, '..', '..');
const SIGNET = path.join(ROOT, 'dist', 'apps', 'cli', 'src', 'main.js');
const PARALLEL = Math.max(1, Math.min(8, os.availableParallelism()));

function parseArgs(argv) {
  const options = { assets: undefined, only: undefined, verbose: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--only') options.only = argv[++i];
    else if (arg === '--verbose') options.verbose = true;
    else if (arg.startsWith('-') || options.assets !== undefined) usage(`unexpected ${arg}`);
    else options.assets = arg;
  }
  if (options.assets === undefined) usage('missing ASSETS');
  return options;
}

function usage(problem) {
  process.stderr.write(
    `${problem}\nusage: node tools/conformance/run.js ASSETS [--only SUBSTRING] [--verbose]\n`,
  );
  process.exit(64);
}

/** The folder holding the case folders and a.txt. */
function bundleVerifyDir(assets) {
  const nested = path.join(assets, 'bundle-verify');
  const dir = fs.existsSync(nested) ? nested : assets;
  if (!fs.existsSync(path.join(dir, 'a.txt'))) usage(`${assets} has no bundle-verify/a.txt`);
  return path.resolve(dir);
}

/** Writes the public-good trusted root from @sigstore/tuf's seeds.json into `dir`. */
function writePublicGoodRoot(dir) {
  const seeds = require(require.resolve('@sigstore/tuf/seeds.json', { paths: [ROOT] }));
  const target = seeds['https://tuf-repo-cdn.sigstore.dev'].targets['trusted_root.json'];
  const file = path.join(dir, 'public-good-trusted_root.json');
  fs.writeFileSync(file, Buffer.from(target, 'base64'));
  return file;
}

function readText(file) {
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim() : undefined;
}

/** The `signet verify` arguments of one case in one mode, as the suite builds them. */
function verifyArgs(caseDir, mode, defaults) {
  const at = (name) => path.join(caseDir, name);
  const artifact = fs.existsSync(at('artifact')) ? at('artifact') : defaults.artifact;
  const args = ['verify', '--bundle', at('bundle.sigstore.json')];
  if (fs.existsSync(at('key.pub'))) args.push('--key', at('key.pub'));
  else {
    args.push('--certificate-identity', readText(at('identity')) ?? IDENTITY);
    args.push('--certificate-oidc-issuer', readText(at('issuer')) ?? ISSUER);
  }
  const root = fs.existsSync(at('trusted_root.json')) ? at('trusted_root.json') : defaults.root;
  args.push('--trusted-root', root);
  if (mode === 'DIGEST') {
    args.push(`sha256:${createHash('sha256').update(fs.readFileSync(artifact)).digest('hex')}`);
  } else args.push(artifact);
  return args;
}

function runSignet(args) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [SIGNET, ...args], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('close', (code, signal) => resolve({ code: code ?? signal, stderr }));
  });
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  if (!fs.existsSync(SIGNET)) usage(`${SIGNET} is missing: run npm run build first`);
  const dir = bundleVerifyDir(options.assets);
  const cases = fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && (options.only === undefined || d.name.includes(options.only)))
    .map((d) => d.name)
    .sort();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'signet-conformance-'));
  try {
    const defaults = { artifact: path.join(dir, 'a.txt'), root: writePublicGoodRoot(tmp) };
    const runs = cases.flatMap((name) => ['PATH', 'DIGEST'].map((mode) => ({ name, mode })));
    let next = 0;
    const worker = async () => {
      while (next < runs.length) {
        const run = runs[next++];
        const result = await runSignet(verifyArgs(path.join(dir, run.name), run.mode, defaults));
        Object.assign(run, result, { ok: (result.code === 0) === !run.name.endsWith('_fail') });
      }
    };
    await Promise.all(Array.from({ length: PARALLEL }, worker));
    report(runs, options.verbose);
    process.exitCode = runs.every((r) => r.ok) ? 0 : 1;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

function report(runs, verbose) {
  for (const r of runs) {
    if (r.ok && !verbose) continue;
    const why = r.stderr.trim().split('\n').pop() ?? '';
    const expected = r.name.endsWith('_fail') ? 'fail' : 'pass';
    process.stdout.write(
      `${r.ok ? 'ok  ' : 'FAIL'} ${r.mode.padEnd(6)} ${r.name} (expected ${expected}, exit ${r.code}) ${why}\n`,
    );
  }
  for (const mode of ['PATH', 'DIGEST']) {
    const of = runs.filter((r) => r.mode === mode);
    process.stdout.write(`${mode}: ${of.filter((r) => r.ok).length}/${of.length}\n`);
  }
  process.stdout.write(`total: ${runs.filter((r) => r.ok).length}/${runs.length}\n`);
}

main().catch((err) => {
  process.stderr.write(`${err.stack ?? err}\n`);
  process.exitCode = 2;
});
