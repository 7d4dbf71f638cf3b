import { constants, deflateRawSync, inflateRawSync } from 'node:zlib';

/** A canonical body as `log_entry` keeps it: raw, or raw DEFLATE (RFC 1951) when that is smaller. */
export interface StoredBody {
  bytes: Buffer;
  deflated: boolean;
}

/** No canonical body is larger than the largest request the log accepts (LOG_MAX_BODY_BYTES). */
const MAX_BODY_BYTES = 64 * 1024 * 1024;

/**
 * The stored form of a canonical body. Bodies are JSON around base64 (a certificate is base64 of
 * its PEM, itself base64), which DEFLATE shrinks by about a quarter; Postgres would compress only
 * rows above 2 KB. A body that does not shrink is kept as is.
 */
export function storeBody(body: Buffer): StoredBody {
  const deflated = deflateRawSync(body, { level: constants.Z_DEFAULT_COMPRESSION });
  return deflated.length < body.length
    ? { bytes: deflated, deflated: true }
    : { bytes: body, deflated: false };
}

/** The canonical body of a stored one. */
export function loadBody(bytes: Buffer, deflated: boolean): Buffer {
  return deflated ? inflateRawSync(bytes, { maxOutputLength: MAX_BODY_BYTES }) : bytes;
}
