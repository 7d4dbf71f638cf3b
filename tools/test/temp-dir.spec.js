'use strict';

const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const { leftoverReport, withTempDir } = require('./temp-dir');

/** Runs `script` in a child Node with `env`, as jest.js runs Jest. */
const node = (script, env) => {
  const child = spawnSync(process.execPath, ['-e', script], { env, encoding: 'utf8' });
  if (child.status !== 0) throw new Error(child.stderr);
  return child.stdout;
};

describe(withTempDir.name, () => {
  it('gives the child a temp dir of its own, lists what the child left there, and removes it', () => {
    const script = `const fs = require('node:fs'), os = require('node:os'), path = require('node:path');
      fs.writeFileSync(path.join(os.tmpdir(), 'left-file'), 'x');
      fs.mkdirSync(path.join(os.tmpdir(), 'a-dir', 'nested'), { recursive: true });
      fs.writeFileSync(path.join(os.tmpdir(), 'removed'), 'x');
      fs.rmSync(path.join(os.tmpdir(), 'removed'));
      process.stdout.write(os.tmpdir());`;
    const { result: childTmp, left } = withTempDir((env) => node(script, env));
    expect(childTmp).not.toBe(os.tmpdir());
    expect(left).toEqual(['a-dir', 'left-file']);
    expect(fs.existsSync(childTmp)).toBe(false);
  });

  it('lists nothing for a child that removes what it wrote', () => {
    const script = `const fs = require('node:fs'), os = require('node:os'), path = require('node:path');
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidy-'));
      fs.rmSync(dir, { recursive: true });`;
    expect(withTempDir((env) => node(script, env)).left).toEqual([]);
  });

  it('makes the dir sticky and world-writable like /tmp, and removes it when the run throws', () => {
    let tmp = '';
    expect(() =>
      withTempDir((env) => {
        tmp = env.TMPDIR;
        expect([env.TMP, env.TEMP]).toEqual([tmp, tmp]);
        expect(fs.statSync(tmp).mode & 0o7777).toBe(0o1777);
        fs.writeFileSync(`${tmp}/left`, 'x');
        throw new Error('jest did not start');
      }),
    ).toThrow('jest did not start');
    expect(tmp).not.toBe('');
    expect(fs.existsSync(tmp)).toBe(false);
  });
});

describe(leftoverReport.name, () => {
  it('names every entry, and nothing when there is none', () => {
    expect(leftoverReport(['signet-ca-init-HdFG4D', 'signet-cache-1i1hUV'])).toBe(
      'tests left 2 entries in the temp dir: signet-ca-init-HdFG4D, signet-cache-1i1hUV',
    );
    expect(leftoverReport(['signet-tuf-x'])).toBe(
      'tests left 1 entry in the temp dir: signet-tuf-x',
    );
    expect(leftoverReport([])).toBeUndefined();
  });
});
