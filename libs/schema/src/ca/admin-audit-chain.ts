import { createHash } from 'node:crypto';
import { canonicalJson, type JsonValue } from '@app/signing';

/** Anything that runs SQL: a TypeORM DataSource, EntityManager or QueryRunner. */
export interface SqlRunner {
  query<T = unknown>(sql: string, params?: unknown[]): Promise<T>;
}

/** One `admin_audit_event` row as written, before its id and hashes are known. */
export interface AdminAuditRow {
  at: Date;
  requestId: string | null;
  action: string;
  outcome: 'success' | 'failure';
  actorKind: 'session' | 'token' | 'system' | null;
  actorIssuer: string | null;
  actorSubject: string | null;
  actorDisplay: string | null;
  actorRole: string | null;
  tokenId: string | null;
  target: string | null;
  httpStatus: number | null;
  reason: string | null;
  policyVersionBefore: bigint | null;
  policyVersionAfter: bigint | null;
  details: Record<string, unknown> | null;
  clientAddress: string | null;
  userAgent: string | null;
}

/** A stored row: its id and place in the chain. */
export interface StoredAdminAuditRow extends AdminAuditRow {
  id: bigint;
  prevHash: Buffer | null;
  hash: Buffer;
}

/** Arbitrary but fixed key of the advisory lock that keeps the chain linear across processes. */
const CHAIN_LOCK = 5_170_221_917;

const COLUMNS = `id, at, request_id, action, outcome, actor_kind, actor_issuer, actor_subject,
  actor_display, actor_role, token_id, target, http_status, reason, policy_version_before,
  policy_version_after, details, client_address, user_agent, prev_hash, hash`;

const SQL = {
  lock: 'SELECT pg_advisory_xact_lock($1)',
  last: 'SELECT hash FROM admin_audit_event ORDER BY id DESC LIMIT 1',
  nextId: "SELECT nextval(pg_get_serial_sequence('admin_audit_event', 'id'))::text AS id",
  insert: `INSERT INTO admin_audit_event (${COLUMNS})
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)`,
} as const;

/** The SELECT list that {@link auditRowFromDb} reads. */
export const ADMIN_AUDIT_COLUMNS = COLUMNS;

/**
 * The JSON form of a row that is hashed (and that the audit API returns): every column but
 * `hash`, ids and versions as decimal strings, times as ISO 8601, hashes as hex.
 */
export function auditRowJson(id: bigint, prevHash: Buffer | null, row: AdminAuditRow): JsonValue {
  return {
    id: id.toString(),
    at: row.at.toISOString(),
    requestId: row.requestId,
    action: row.action,
    outcome: row.outcome,
    actorKind: row.actorKind,
    actorIssuer: row.actorIssuer,
    actorSubject: row.actorSubject,
    actorDisplay: row.actorDisplay,
    actorRole: row.actorRole,
    tokenId: row.tokenId,
    target: row.target,
    httpStatus: row.httpStatus,
    reason: row.reason,
    policyVersionBefore: row.policyVersionBefore?.toString() ?? null,
    policyVersionAfter: row.policyVersionAfter?.toString() ?? null,
    details: (row.details ?? null) as JsonValue,
    clientAddress: row.clientAddress,
    userAgent: row.userAgent,
    prevHash: prevHash?.toString('hex') ?? null,
  };
}

/** SHA-256 over the previous hash (none for the first row) and the row's JCS (RFC 8785). */
export function auditEventHash(id: bigint, prevHash: Buffer | null, row: AdminAuditRow): Buffer {
  return createHash('sha256')
    .update(prevHash ?? Buffer.alloc(0))
    .update(canonicalJson(auditRowJson(id, prevHash, row)), 'utf8')
    .digest();
}

/**
 * Appends `row` to the chain. Requires `q` to be inside a transaction: the transaction-scoped
 * advisory lock serialises appenders of every process until it commits, so each row's
 * `prev_hash` is the hash of the row committed before it.
 */
export async function appendAdminAuditEvent(
  q: SqlRunner,
  input: AdminAuditRow,
): Promise<{ id: bigint; hash: Buffer }> {
  // jsonb keeps what JSON keeps: hash exactly that, so a stored row re-hashes to its `hash`.
  const row: AdminAuditRow = {
    ...input,
    details:
      input.details === null
        ? null
        : (JSON.parse(JSON.stringify(input.details)) as Record<string, unknown>),
  };
  await q.query(SQL.lock, [CHAIN_LOCK]);
  const last = await q.query<Array<{ hash: Buffer }>>(SQL.last);
  const prevHash = last[0]?.hash ?? null;
  const [next] = await q.query<Array<{ id: string }>>(SQL.nextId);
  const id = BigInt(next!.id);
  const hash = auditEventHash(id, prevHash, row);
  await q.query(SQL.insert, [
    id.toString(),
    row.at,
    row.requestId,
    row.action,
    row.outcome,
    row.actorKind,
    row.actorIssuer,
    row.actorSubject,
    row.actorDisplay,
    row.actorRole,
    row.tokenId,
    row.target,
    row.httpStatus,
    row.reason,
    row.policyVersionBefore?.toString() ?? null,
    row.policyVersionAfter?.toString() ?? null,
    row.details === null ? null : JSON.stringify(row.details),
    row.clientAddress,
    row.userAgent,
    prevHash,
    hash,
  ]);
  return { id, hash };
}

/** A row as `pg` returns it for {@link ADMIN_AUDIT_COLUMNS}. */
export interface AdminAuditDbRow {
  id: string;
  at: Date;
  request_id: string | null;
  action: string;
  outcome: 'success' | 'failure';
  actor_kind: 'session' | 'token' | 'system' | null;
  actor_issuer: string | null;
  actor_subject: string | null;
  actor_display: string | null;
  actor_role: string | null;
  token_id: string | null;
  target: string | null;
  http_status: number | null;
  reason: string | null;
  policy_version_before: string | null;
  policy_version_after: string | null;
  details: Record<string, unknown> | null;
  client_address: string | null;
  user_agent: string | null;
  prev_hash: Buffer | null;
  hash: Buffer;
}

/** Maps a raw row to a {@link StoredAdminAuditRow}. */
export function auditRowFromDb(r: AdminAuditDbRow): StoredAdminAuditRow {
  const big = (v: string | null) => (v === null ? null : BigInt(v));
  return {
    id: BigInt(r.id),
    at: r.at,
    requestId: r.request_id,
    action: r.action,
    outcome: r.outcome,
    actorKind: r.actor_kind,
    actorIssuer: r.actor_issuer,
    actorSubject: r.actor_subject,
    actorDisplay: r.actor_display,
    actorRole: r.actor_role,
    tokenId: r.token_id,
    target: r.target,
    httpStatus: r.http_status,
    reason: r.reason,
    policyVersionBefore: big(r.policy_version_before),
    policyVersionAfter: big(r.policy_version_after),
    details: r.details,
    clientAddress: r.client_address,
    userAgent: r.user_agent,
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}

/**
 * Checks a run of consecutive rows (ascending id, the first one's `prev_hash` taken on trust):
 * each hash recomputes and each `prev_hash` is the previous row's hash. Returns the id of the
 * first row that breaks the chain, or undefined when it holds.
 */
export function firstBrokenAuditRow(rows: readonly StoredAdminAuditRow[]): bigint | undefined {
  let previous: Buffer | undefined;
  for (const row of rows) {
    const linked = previous === undefined || (row.prevHash?.equals(previous) ?? false);
    if (!linked || !auditEventHash(row.id, row.prevHash, row).equals(row.hash)) return row.id;
    previous = row.hash;
  }
  return undefined;
}
