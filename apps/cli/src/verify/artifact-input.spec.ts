import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeArtifact, readArtifactInput } from './artifact-input';

const HEX = createHash('sha256').update('artifact').digest('hex');

describe(readArtifactInput.name, () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'signet-artifact-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a file and hashes it', async () => {
    const path = join(dir, 'a.txt');
    writeFileSync(path, 'artifact');
    const input = await readArtifactInput(path);
    expect(input).toEqual({ kind: 'file', path, data: Buffer.from('artifact'), sha256: HEX });
    expect(describeArtifact(input)).toBe(path);
  });

  it('takes sha256:<64 hex> that names no file as a digest, in lowercase', async () => {
    const input = await readArtifactInput(`sha256:${HEX.toUpperCase()}`);
    expect(input).toEqual({ kind: 'digest', sha256: HEX });
    expect(describeArtifact(input)).toBe(`sha256:${HEX}`);
  });

  it('prefers an existing file named like a digest (the protocol: a path on disk is a path)', async () => {
    const path = join(dir, `sha256:${HEX}`);
    writeFileSync(path, 'not the artifact');
    await expect(readArtifactInput(path)).resolves.toMatchObject({ kind: 'file', path });
  });

  it.each([`sha256:${HEX.slice(1)}`, `sha256:${HEX}0`, `sha256:${'g'.repeat(64)}`, 'sha256:'])(
    'refuses %s, which is neither a file nor a digest, as bad usage (64)',
    async (arg) => {
      await expect(readArtifactInput(arg)).rejects.toMatchObject({
        exitCode: 64,
        message: `${JSON.stringify(arg)} is neither a file nor a digest: a digest is sha256: followed by 64 hex digits`,
      });
    },
  );

  it('reports a missing file (exit 2) naming it', async () => {
    const path = join(dir, 'missing.txt');
    await expect(readArtifactInput(path)).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringMatching(new RegExp(`^cannot read file ${path}: ENOENT`)),
    });
  });
});
