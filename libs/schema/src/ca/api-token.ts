import { createHash, randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';

/**
 * Admin API tokens (issue 17): `sgn_at_` + base62 of 32 random bytes + base62 of their CRC32,
 * as GitHub's token formats do: the prefix names the type (and lets secret scanners find it),
 * `_` keeps a double-click selecting the whole token, and the checksum tells a real token from a
 * typo offline, before any database lookup. Only the SHA-256 is stored (a slow hash adds nothing
 * to a 256-bit random secret); the token is shown once.
 */
export const API_TOKEN_PREFIX = 'sgn_at_';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
/** 32 bytes need 43 base62 digits; a CRC32 needs 6. Both are zero-padded to a fixed width. */
const SECRET_DIGITS = 43;
const CHECKSUM_DIGITS = 6;
const SHAPE = new RegExp(
  `^${API_TOKEN_PREFIX}[0-9A-Za-z]{${SECRET_DIGITS}}[0-9A-Za-z]{${CHECKSUM_DIGITS}}$`,
);

function base62(value: bigint, digits: number): string {
  let out = '';
  for (let v = value; v > 0n; v /= 62n) out = BASE62[Number(v % 62n)]! + out;
  return out.padStart(digits, '0');
}

function checksum(secret: string): string {
  return base62(BigInt(crc32(secret)), CHECKSUM_DIGITS);
}

/** A new token (shown once), the SHA-256 to store, and its last 4 characters for display. */
export function newApiToken(): { token: string; sha256: Buffer; last4: string } {
  const secret = base62(BigInt(`0x${randomBytes(32).toString('hex')}`), SECRET_DIGITS);
  const token = `${API_TOKEN_PREFIX}${secret}${checksum(secret)}`;
  return { token, sha256: apiTokenSha256(token), last4: token.slice(-4) };
}

/** The SHA-256 a token is stored and looked up by. */
export function apiTokenSha256(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/**
 * Checks a presented token's form and checksum, without the database: undefined when it could be
 * one of ours, else why not (safe to show: it never echoes the token).
 */
export function apiTokenProblem(token: string): string | undefined {
  if (!token.startsWith(API_TOKEN_PREFIX))
    return `not a Signet API token (no ${API_TOKEN_PREFIX} prefix)`;
  if (!SHAPE.test(token)) return 'malformed Signet API token';
  const secret = token.slice(API_TOKEN_PREFIX.length, API_TOKEN_PREFIX.length + SECRET_DIGITS);
  if (token.slice(-CHECKSUM_DIGITS) !== checksum(secret)) {
    return 'Signet API token checksum mismatch (mistyped or truncated)';
  }
  return undefined;
}

/** Roles an admin may hold, lowest first (apps/ca/src/admin/auth/principal.ts ranks them). */
export const ADMIN_ROLES = ['viewer', 'editor', 'owner'] as const;

/** Seconds in `90d`, `12h`, `1h30m`, `45s`…; undefined when `text` is not such a duration. */
export function parseAdminDuration(text: string): number | undefined {
  const m = /^(?:(\d{1,5})d)?(?:(\d{1,6})h)?(?:(\d{1,6})m)?(?:(\d{1,7})s)?$/.exec(text);
  if (m === null || text === '') return undefined;
  const [, d, h, min, s] = m;
  return Number(d ?? 0) * 86_400 + Number(h ?? 0) * 3600 + Number(min ?? 0) * 60 + Number(s ?? 0);
}

/** A token row to insert: never the token itself. */
export interface NewApiTokenRow {
  id: string;
  name: string;
  role: (typeof ADMIN_ROLES)[number];
  sha256: Buffer;
  last4: string;
  createdBy: { issuer: string; subject: string; display: string };
  expiresAt: Date;
}

/** Inserts an `admin_api_token` row (the CA's API and the CLI's break-glass command). */
export async function insertApiToken(
  q: { query(sql: string, params?: unknown[]): Promise<unknown> },
  t: NewApiTokenRow,
): Promise<void> {
  await q.query(
    `INSERT INTO admin_api_token (id, name, role, token_sha256, last4, created_by_issuer,
      created_by_subject, created_by_display, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [
      t.id,
      t.name,
      t.role,
      t.sha256,
      t.last4,
      t.createdBy.issuer,
      t.createdBy.subject,
      t.createdBy.display,
      t.expiresAt,
    ],
  );
}
