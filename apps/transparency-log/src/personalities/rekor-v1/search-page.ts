import { LogError } from '../../errors';

/*
 * Paging of Rekor v1 `POST /api/v1/index/retrieve`. The body stays Rekor's (a JSON array of entry
 * UUIDs, as stock clients read it); when more entries match than one page holds, the answer
 * carries `Link: </api/v1/index/retrieve?after=CURSOR>; rel="next"`, and the client posts the same
 * query there. The cursor is opaque to clients: the base64url of the last entry's global index as
 * 8 big-endian bytes, parsed strictly so that only cursors this log issued are accepted.
 */

/** Entries in a page unless the client asks for fewer (`limit`), and the most it may ask for. */
export const SEARCH_PAGE_SIZE = 1000;

const MAX_INDEX = 2n ** 63n - 1n;
const CURSOR = /^[A-Za-z0-9_-]{11}$/;

/** The cursor of the page after the entry at `globalIndex`. Requires 0 <= globalIndex < 2^63. */
export function searchCursor(globalIndex: bigint): string {
  const bytes = Buffer.alloc(8);
  bytes.writeBigUInt64BE(globalIndex);
  return bytes.toString('base64url');
}

/**
 * The global index a cursor continues after, or undefined for the first page (no `after`).
 *
 * @throws LogError `MALFORMED_REQUEST` naming `after` for anything {@link searchCursor} would not
 *   return (another alphabet or length, padding, non-canonical trailing bits, an index >= 2^63).
 */
export function parseSearchCursor(value: unknown): bigint | undefined {
  if (value === undefined) return undefined;
  const bytes =
    typeof value === 'string' && CURSOR.test(value) ? Buffer.from(value, 'base64url') : undefined;
  const index = bytes?.length === 8 ? bytes.readBigUInt64BE() : undefined;
  if (index === undefined || index > MAX_INDEX || searchCursor(index) !== value) {
    throw new LogError(
      'MALFORMED_REQUEST',
      'after must be a cursor from the Link header of the previous page',
    );
  }
  return index;
}

/**
 * The page size a client asked for (`limit`), or {@link SEARCH_PAGE_SIZE}.
 *
 * @throws LogError `MALFORMED_REQUEST` naming `limit` unless it is a decimal integer from 1 to
 *   {@link SEARCH_PAGE_SIZE}.
 */
export function parseSearchLimit(value: unknown): number {
  if (value === undefined) return SEARCH_PAGE_SIZE;
  if (
    typeof value !== 'string' ||
    !/^[1-9][0-9]{0,3}$/.test(value) ||
    Number(value) > SEARCH_PAGE_SIZE
  ) {
    throw new LogError(
      'MALFORMED_REQUEST',
      `limit must be an integer from 1 to ${SEARCH_PAGE_SIZE}`,
    );
  }
  return Number(value);
}

/** The `Link` header value that names the next page, keeping the `limit` the client asked for. */
export function nextPageLink(cursor: string, limit: number | undefined): string {
  const query = limit === undefined ? `after=${cursor}` : `after=${cursor}&limit=${limit}`;
  return `</api/v1/index/retrieve?${query}>; rel="next"`;
}
