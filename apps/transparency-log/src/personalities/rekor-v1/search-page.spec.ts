import { LogError } from '../../errors';
import {
  nextPageLink,
  parseSearchCursor,
  parseSearchLimit,
  SEARCH_PAGE_SIZE,
  searchCursor,
} from './search-page';

const refusal = (message: string) => new LogError('MALFORMED_REQUEST', message);

describe(parseSearchCursor.name, () => {
  const badCursor = refusal('after must be a cursor from the Link header of the previous page');

  it('reads back every cursor searchCursor writes, and no cursor as the first page', () => {
    for (const index of [0n, 1n, 255n, 1_000_000n, 2n ** 63n - 1n]) {
      const cursor = searchCursor(index);
      expect(cursor).toMatch(/^[A-Za-z0-9_-]{11}$/);
      expect(parseSearchCursor(cursor)).toBe(index);
    }
    // The 8 big-endian bytes of the index, base64url (RFC 4648 §5) without padding.
    expect(searchCursor(1n)).toBe(Buffer.from([0, 0, 0, 0, 0, 0, 0, 1]).toString('base64url'));
    expect(parseSearchCursor(undefined)).toBeUndefined();
  });

  it.each([
    ['empty', ''],
    ['a decimal index', '42'],
    ['too short', 'AAAAAAAAAA'],
    ['too long', 'AAAAAAAAAAAA'],
    ['padded', 'AAAAAAAAAAE='],
    ['base64, not base64url', 'AAAAAAAAAA+'],
    ['non-canonical trailing bits', 'AAAAAAAAAAB'],
    ['an index beyond a Postgres bigint', searchCursor(2n ** 63n - 1n).replace(/^f/, 'g')],
    ['repeated', ['AAAAAAAAAAE', 'AAAAAAAAAAI']],
    ['an object', { x: 'AAAAAAAAAAE' }],
  ])('refuses %s, naming after', (_, value) => {
    expect(() => parseSearchCursor(value)).toThrow(badCursor);
  });
});

describe(parseSearchLimit.name, () => {
  const badLimit = refusal('limit must be an integer from 1 to 1000');

  it('takes 1 to 1000, and 1000 when absent', () => {
    expect(SEARCH_PAGE_SIZE).toBe(1000);
    expect(parseSearchLimit(undefined)).toBe(1000);
    expect(parseSearchLimit('1')).toBe(1);
    expect(parseSearchLimit('1000')).toBe(1000);
  });

  it.each([[''], ['0'], ['1001'], ['01'], ['-1'], ['1.5'], ['1e3'], [' 5'], ['abc'], [['2', '3']]])(
    'refuses %p, naming limit',
    (value) => {
      expect(() => parseSearchLimit(value)).toThrow(badLimit);
    },
  );
});

describe(nextPageLink.name, () => {
  it('names the next page by an RFC 8288 link, keeping the limit the client chose', () => {
    expect(nextPageLink('AAAAAAAAAAE', undefined)).toBe(
      '</api/v1/index/retrieve?after=AAAAAAAAAAE>; rel="next"',
    );
    expect(nextPageLink('AAAAAAAAAAE', 2)).toBe(
      '</api/v1/index/retrieve?after=AAAAAAAAAAE&limit=2>; rel="next"',
    );
  });
});
