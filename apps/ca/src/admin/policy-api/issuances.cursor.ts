import { PolicyError } from '../../policy';

/** Cursor text: `<issued_at as Postgres prints it>|<serial>`, base64url. */
export function encodeCursor(at: string, serial: string): string {
  return Buffer.from(`${at}|${serial}`).toString('base64url');
}

/** @throws PolicyError `INVALID_POLICY` naming `cursor` for anything this API did not return. */
export function decodeCursor(text: string): { issuedAt: string; serial: string } {
  const [at, serial, extra] = Buffer.from(text, 'base64url').toString('utf8').split('|');
  if (
    extra !== undefined ||
    at === undefined ||
    !/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d{1,6})?[+-]\d\d(:\d\d)?$/.test(at) ||
    serial === undefined ||
    !/^[0-9a-f]{1,64}$/.test(serial)
  ) {
    throw new PolicyError('INVALID_POLICY', 'cursor: not a cursor this API returned');
  }
  return { issuedAt: at, serial };
}
