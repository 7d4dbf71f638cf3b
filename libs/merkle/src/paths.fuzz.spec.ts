import fc from 'fast-check';
import { domainError, fuzz, keepsContract, mutatedText } from '@app/testing/fuzz';
import { MerkleError } from './errors';
import { formatEntriesPath, formatTilePath, parseTilePath } from './paths';

/**
 * Tile paths come straight from request URLs: every string parses or is a `MerkleError` (a 400),
 * within the budget, and every path that parses is the canonical form of what it parsed to.
 */
describe('tile paths on hostile input', () => {
  const refused = domainError(MerkleError);
  const tile = fc.record({
    level: fc.integer({ min: 0, max: 63 }),
    index: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
    width: fc.integer({ min: 1, max: 256 }),
    entries: fc.boolean(),
  });
  const format = ({
    level,
    index,
    width,
    entries,
  }: {
    level: number;
    index: bigint;
    width: number;
    entries: boolean;
  }) => (entries ? formatEntriesPath(index, width) : formatTilePath(level, index, width));

  /** Parsed paths must be canonical: formatting what parsed gives the same string back. */
  const canonical = (path: string) => {
    const parsed = parseTilePath(path);
    const again =
      parsed.kind === 'entries'
        ? formatEntriesPath(parsed.tileIndex, parsed.width)
        : formatTilePath(parsed.tileLevel, parsed.tileIndex, parsed.width);
    if (again !== path) throw new Error(`${path} parsed, but its canonical form is ${again}`);
  };

  it('round-trips every valid tile and entry-bundle path', () => {
    fuzz(fc.property(tile, (t) => canonical(format(t))));
  });

  it('answers every mutated path with its canonical parse or a MerkleError', () => {
    const samples = fc.sample(tile, { numRuns: 20, seed: 1 }).map(format);
    fuzz(
      fc.property(mutatedText(...samples), (path) => keepsContract(() => canonical(path), refused)),
    );
  });

  it('answers arbitrary strings and long index paths likewise', () => {
    const part = fc.oneof(
      fc.constantFrom('tile', 'entries', 'x000', 'x999', '000', '0', '.p', '256', ''),
      fc.string({ maxLength: 6 }),
    );
    fuzz(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'binary', maxLength: 64 }),
          fc.array(part, { maxLength: 2000 }).map((p) => p.join('/')),
        ),
        (path) => keepsContract(() => canonical(path), refused),
      ),
    );
  });
});
