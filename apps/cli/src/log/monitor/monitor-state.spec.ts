import { join } from 'node:path';
import { readFileSync, writeFileSync } from 'node:fs';
import { tempDirs } from '@app/testing/temp-dir';
import { loadState, parseState, saveState, type MonitorState } from './monitor-state';

const tempDir = tempDirs();

describe(parseState.name, () => {
  const state: MonitorState = new Map([
    [
      'artifact http://127.0.0.1:3000',
      {
        origin: '127.0.0.1:3000 - 1',
        treeSize: 2n ** 63n - 1n,
        rootHash: 'a'.repeat(64),
        rightEdge: ['b'.repeat(64)],
        signed: 'note',
        verifiedAt: '2025-01-01T00:00:00.000Z',
      },
    ],
  ]);

  it('round-trips through the file, sizes as bigint, atomically written', async () => {
    const path = join(tempDir('state'), 'state.json');
    expect(await loadState(path)).toEqual(new Map());
    await saveState(path, state);
    expect(await loadState(path)).toEqual(state);
    expect(readFileSync(path, 'utf8')).toContain('"treeSize": "9223372036854775807"');
  });

  it('names the field of a state file it cannot use', () => {
    const bad = (text: string) => () => parseState(text, 's.json');
    expect(bad('{')).toThrow('state file s.json: not JSON');
    expect(bad('{"format":2,"logs":{}}')).toThrow('state file s.json: format must be 1');
    const log = {
      origin: 'o',
      treeSize: '1',
      rootHash: 'a'.repeat(64),
      rightEdge: [],
      signed: '',
      verifiedAt: '',
    };
    const file = (over: object) => JSON.stringify({ format: 1, logs: { ct: { ...log, ...over } } });
    expect(bad(file({ treeSize: '-1' }))).toThrow(
      'state file s.json: logs["ct"].treeSize must be a size',
    );
    expect(bad(file({ rootHash: 'A'.repeat(64) }))).toThrow(
      'logs["ct"].rootHash must be 64 lowercase hex digits',
    );
    expect(bad(file({ rightEdge: ['x'] }))).toThrow(
      'logs["ct"].rightEdge must be a list of 64-hex-digit hashes',
    );
    expect(bad(file({ origin: 1 }))).toThrow('logs["ct"].origin must be a string');
    const path = join(tempDir('state'), 'bad.json');
    writeFileSync(path, file({ treeSize: 'x' }));
    return expect(loadState(path)).rejects.toMatchObject({ exitCode: 2 });
  });
});
