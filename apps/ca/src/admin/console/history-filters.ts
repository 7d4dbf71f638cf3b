import { PolicyError } from '../../policy';
import { decodeCursor } from '../policy-api/issuances.cursor';
import type { IssuanceFilter } from '../policy-api/issuances.repository';
import type { AuditFilters, FieldErrors, IssuanceFilters } from './view-models';

/** Rows per page of the console's histories. */
export const PAGE_SIZE = 50;

type Query = Readonly<Record<string, unknown>>;

/** One query-string value as typed ('' when absent or repeated). */
export function queryText(query: Query, name: string): string {
  const value = query[name];
  return typeof value === 'string' ? value.trim() : '';
}

/**
 * A date (`2026-05-01`, the start of that UTC day) or an RFC 3339 time; undefined when empty.
 * @returns a string when it is neither: the problem, for the field.
 */
function parseTime(text: string): Date | string | undefined {
  if (text === '') return undefined;
  const date = new Date(/^\d{4}-\d\d-\d\d$/.test(text) ? `${text}T00:00:00Z` : text);
  if (!/^\d{4}-\d\d-\d\d/.test(text) || Number.isNaN(date.getTime())) {
    return 'a date such as 2026-05-01, or a time such as 2026-05-01T12:00:00Z';
  }
  return date;
}

/** The issuance history's filters as typed, and the query they make (or what is wrong with them). */
export function issuanceFilter(query: Query): {
  values: IssuanceFilters;
  filter: IssuanceFilter;
  errors: FieldErrors;
} {
  const values: IssuanceFilters = {
    identity: queryText(query, 'identity'),
    issuer: queryText(query, 'issuer'),
    rule: queryText(query, 'rule'),
    policyVersion: queryText(query, 'policyVersion'),
    since: queryText(query, 'since'),
    until: queryText(query, 'until'),
  };
  const errors: Record<string, string> = {};
  const since = parseTime(values.since);
  const until = parseTime(values.until);
  if (typeof since === 'string') errors['since'] = since;
  if (typeof until === 'string') errors['until'] = until;
  const version = values.policyVersion;
  if (version !== '' && !/^[1-9]\d{0,15}$/.test(version)) {
    errors['policyVersion'] = 'a policy version number, such as 3';
  }
  let cursor: IssuanceFilter['cursor'];
  const cursorText = queryText(query, 'cursor');
  try {
    cursor = cursorText === '' ? undefined : decodeCursor(cursorText);
  } catch (err) {
    if (!(err instanceof PolicyError)) throw err;
    errors['cursor'] = 'not a page link of this console: start from the first page';
  }
  const text = (v: string) => (v === '' ? undefined : v);
  return {
    values,
    errors,
    filter: {
      identity: text(values.identity),
      issuer: text(values.issuer),
      rule: text(values.rule),
      policyVersion: version === '' || errors['policyVersion'] ? undefined : Number(version),
      since: since instanceof Date ? since : undefined,
      until: until instanceof Date ? until : undefined,
      cursor,
      limit: PAGE_SIZE,
    },
  };
}

/** The audit trail's filters as typed, and the query they make. */
export function auditFilter(query: Query): {
  values: AuditFilters;
  errors: FieldErrors;
  actor?: string;
  action?: string;
  since?: Date;
  before?: bigint;
} {
  const values: AuditFilters = {
    actor: queryText(query, 'actor'),
    action: queryText(query, 'action'),
    since: queryText(query, 'since'),
  };
  const errors: Record<string, string> = {};
  const since = parseTime(values.since);
  if (typeof since === 'string') errors['since'] = since;
  const cursor = queryText(query, 'cursor');
  if (cursor !== '' && !/^[1-9]\d{0,18}$/.test(cursor)) {
    errors['cursor'] = 'not a page link of this console: start from the first page';
  }
  return {
    values,
    errors,
    ...(values.actor === '' ? {} : { actor: values.actor }),
    ...(values.action === '' ? {} : { action: values.action }),
    ...(since instanceof Date ? { since } : {}),
    ...(cursor === '' || errors['cursor'] ? {} : { before: BigInt(cursor) }),
  };
}

/** The `before` cursor of the policy versions page (a version number), if any. */
export function versionCursor(query: Query): number | undefined {
  const text = queryText(query, 'cursor');
  return /^[1-9]\d{0,15}$/.test(text) ? Number(text) : undefined;
}
