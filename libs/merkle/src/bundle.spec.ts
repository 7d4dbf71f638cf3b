import fc from 'fast-check';

import { decodeEntryBundle, encodeEntryBundle, MAX_ENTRY_SIZE } from './bundle';
import { catchMerkleError } from './testing/helpers';

const bytes = (...values: number[]) => Uint8Array.from(values);

describe('encodeEntryBundle', () => {
  it('prefixes each entry with its big-endian uint16 length', () => {
    // C2SP tlog-tiles "Log entries": "sequences of big-endian uint16 length-prefixed log entries".
    expect(encodeEntryBundle([bytes(0xaa), bytes(), bytes(1, 2, 3)])).toEqual(
      bytes(0, 1, 0xaa, 0, 0, 0, 3, 1, 2, 3),
    );
    expect(encodeEntryBundle([new Uint8Array(0x1234)]).subarray(0, 2)).toEqual(bytes(0x12, 0x34));
  });

  it('rejects an entry longer than 65,535 bytes', () => {
    expect(encodeEntryBundle([new Uint8Array(MAX_ENTRY_SIZE)])).toHaveLength(MAX_ENTRY_SIZE + 2);
    expect(
      catchMerkleError(() => encodeEntryBundle([bytes(1), new Uint8Array(MAX_ENTRY_SIZE + 1)])),
    ).toMatchObject({
      code: 'ENTRY_TOO_LARGE',
      message: 'entry 1 has 65536 bytes; an entry bundle holds at most 65535 bytes per entry',
    });
  });

  it('rejects no entries and more than 256', () => {
    expect(catchMerkleError(() => encodeEntryBundle([]))).toMatchObject({
      code: 'INVALID_ENCODING',
      message: 'an entry bundle holds 1 to 256 entries, got 0',
    });
    expect(
      catchMerkleError(() => encodeEntryBundle(Array.from({ length: 257 }, () => bytes(1)))).code,
    ).toBe('INVALID_ENCODING');
  });
});

describe('decodeEntryBundle', () => {
  it('round-trips any entries', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 300 }), { minLength: 1, maxLength: 256 }),
        (entries) => {
          const decoded = decodeEntryBundle(encodeEntryBundle(entries), entries.length);
          expect(decoded.map((entry) => Buffer.from(entry).toString('hex'))).toEqual(
            entries.map((entry) => Buffer.from(entry).toString('hex')),
          );
        },
      ),
      { numRuns: 100 },
    );
  });

  it('rejects a truncated length prefix', () => {
    expect(catchMerkleError(() => decodeEntryBundle(bytes(0, 1, 0xaa, 0)))).toMatchObject({
      code: 'INVALID_ENCODING',
      message: 'entry bundle is truncated: entry 1 at byte 3 has 1 of its 2 length bytes',
    });
  });

  it('rejects a truncated entry', () => {
    expect(catchMerkleError(() => decodeEntryBundle(bytes(0, 4, 1, 2, 3)))).toMatchObject({
      code: 'INVALID_ENCODING',
      message: 'entry bundle is truncated: entry 0 declares 4 bytes but 3 remain',
    });
  });

  it('rejects bytes beyond the expected width', () => {
    expect(catchMerkleError(() => decodeEntryBundle(bytes(0, 1, 0xaa, 0, 0), 1))).toMatchObject({
      code: 'INVALID_ENCODING',
      message: 'entry bundle has 2 bytes after its 1 entries (its width is 1)',
    });
    const tooMany = new Uint8Array(2 * 257);
    expect(catchMerkleError(() => decodeEntryBundle(tooMany))).toMatchObject({
      code: 'INVALID_ENCODING',
      message: 'entry bundle has 2 bytes after its 256 entries (the most a bundle holds)',
    });
  });

  it('rejects fewer entries than the width, an empty bundle and a bad width', () => {
    expect(catchMerkleError(() => decodeEntryBundle(bytes(0, 1, 0xaa), 2))).toMatchObject({
      code: 'INVALID_ENCODING',
      message: 'entry bundle has 1 entries, expected its width 2',
    });
    expect(catchMerkleError(() => decodeEntryBundle(bytes()))).toMatchObject({
      code: 'INVALID_ENCODING',
      message: 'entry bundle is empty',
    });
    expect(catchMerkleError(() => decodeEntryBundle(bytes(0, 0), 0))).toMatchObject({
      code: 'INVALID_ENCODING',
      message: 'bundle width 0 is out of range (requires 1 <= width <= 256)',
    });
  });

  it('decodes a full bundle of empty entries', () => {
    expect(decodeEntryBundle(new Uint8Array(2 * 256), 256)).toHaveLength(256);
  });
});
