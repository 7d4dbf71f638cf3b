import canonicalize from 'canonicalize';
import { SigningError } from './errors';

/** A JSON value as RFC 8259 defines it (no `undefined`, no `bigint`, finite numbers only). */
export type JsonValue =
  null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/**
 * Returns the RFC 8785 (JCS) canonical serialisation of `value`: no whitespace, object
 * properties sorted by their UTF-16 code units (§3.2.3), numbers in ECMAScript's shortest
 * round-trip form (§3.2.2.3), strings with the minimal escapes of §3.2.2.2. This is the form
 * Rekor signs (SET) and hashes (leaf values).
 *
 * @throws SigningError `INVALID_ENCODING` for values outside I-JSON (RFC 7493): NaN,
 *   infinities, `bigint`s, or nothing serialisable (e.g. `undefined` at the top level).
 */
export function canonicalJson(value: JsonValue): string {
  let text: string | undefined;
  try {
    text = canonicalize(value);
  } catch (cause) {
    throw new SigningError(
      'INVALID_ENCODING',
      `value cannot be canonicalised: ${describe(cause)}`,
      {
        cause,
      },
    );
  }
  if (text === undefined) {
    throw new SigningError(
      'INVALID_ENCODING',
      'value cannot be canonicalised: nothing to serialise',
    );
  }
  return text;
}

/** Returns the UTF-8 bytes of {@link canonicalJson}; throws as it does. */
export function canonicalJsonBytes(value: JsonValue): Uint8Array {
  return new TextEncoder().encode(canonicalJson(value));
}

function describe(cause: unknown): string {
  // JSON.stringify's bigint TypeError message is engine-specific; name the problem ourselves.
  if (cause instanceof TypeError && /BigInt/i.test(cause.message)) return 'bigint is not JSON';
  return cause instanceof Error ? cause.message : String(cause);
}
