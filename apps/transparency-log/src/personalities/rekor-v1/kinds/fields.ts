// Readers for the JSON of a proposed entry. Each one either returns a value of the expected type or
// throws an EntryError whose message starts with the field's path, so a client always learns which
// field failed which check.
import { createHash } from 'node:crypto';
import { DIGEST_LENGTHS, type DigestAlgorithm, fromBase64 } from '@app/signing';
import { EntryError } from './canonical-entry';

/** A parsed JSON object. */
export type JsonObject = Record<string, unknown>;

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const LOWER_HEX = /^[0-9a-f]*$/;
const MAX_ECHO = 40;

/** Returns a `MALFORMED_ENTRY` error for the field at `path` (`""` is the whole entry). */
export function malformed(path: string, check: string): EntryError {
  return new EntryError('MALFORMED_ENTRY', `${path === '' ? 'entry' : path}: ${check}`);
}

/** Returns the path of property `key` (or array element `key`) under `parent` (`""` = the root). */
export function child(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  if (!IDENTIFIER.test(key)) return `${parent}[${quote(key)}]`;
  return parent === '' ? key : `${parent}.${key}`;
}

/** Returns `text` as a JSON string literal, cut to a short excerpt so messages stay small. */
export function quote(text: string): string {
  return JSON.stringify(text.length > MAX_ECHO ? `${text.slice(0, MAX_ECHO)}…` : text);
}

/**
 * Checks that `value` is a JSON object holding every `required` property and nothing outside
 * `required` and `optional` (Rekor's schemas are closed). A property set to `null` counts as
 * present and fails its own type check later.
 */
export function readObject(
  value: unknown,
  path: string,
  required: readonly string[],
  optional: readonly string[] = [],
): JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw malformed(path, 'must be a JSON object');
  }
  const object = value as JsonObject;
  for (const key of Object.keys(object)) {
    if (!required.includes(key) && !optional.includes(key)) {
      throw malformed(child(path, key), 'unknown property');
    }
  }
  for (const key of required) {
    if (object[key] === undefined) throw malformed(child(path, key), 'missing required property');
  }
  return object;
}

/** Checks that `value` is a string, non-empty unless `allowEmpty`. */
export function readString(value: unknown, path: string, allowEmpty = false): string {
  if (typeof value !== 'string') throw malformed(path, 'must be a string');
  if (!allowEmpty && value.length === 0) throw malformed(path, 'must not be empty');
  return value;
}

/** Checks that `value` is a non-empty JSON array. */
export function readArray(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) throw malformed(path, 'must be an array');
  if (value.length === 0) throw malformed(path, 'must not be empty');
  return value;
}

/**
 * Most signatures (dsse, intoto) and verifiers (dsse) one entry may carry. Sigstore clients send
 * one; the bound keeps an entry's verification cost, and its size, small.
 */
export const MAX_SIGNATURES = 8;
export const MAX_VERIFIERS = 8;

/** Checks that `value` is a non-empty JSON array of at most `max` items, called `noun` in errors. */
export function readBoundedArray(
  value: unknown,
  path: string,
  max: number,
  noun: string,
): unknown[] {
  const array = readArray(value, path);
  checkCount(array.length, path, max, noun);
  return array;
}

/** Throws `MALFORMED_ENTRY` naming `path` when `count` exceeds `max`. */
export function checkCount(count: number, path: string, max: number, noun: string): void {
  if (count > max) throw malformed(path, `has ${count} ${noun}; at most ${max} are accepted`);
}

/** Decodes a non-empty string of canonical, padded standard base64 (RFC 4648 §4). */
export function readBase64(value: unknown, path: string): Uint8Array {
  const text = readString(value, path);
  try {
    return fromBase64(text, path);
  } catch (cause) {
    throw new EntryError('MALFORMED_ENTRY', `${path}: not valid base64`, { cause });
  }
}

/** Decodes as {@link readBase64} twice, as intoto v0.0.2 requires; returns the middle text too. */
export function readDoubleBase64(
  value: unknown,
  path: string,
): { inner: string; bytes: Uint8Array } {
  const inner = Buffer.from(readBase64(value, path)).toString('latin1');
  try {
    return { inner, bytes: fromBase64(inner, path) };
  } catch (cause) {
    throw new EntryError(
      'MALFORMED_ENTRY',
      `${path}: must be base64 of base64, but the decoded value is not valid base64`,
      { cause },
    );
  }
}

/** Checks that `value` names one of `allowed` digest algorithms. */
export function readDigestAlgorithm(
  value: unknown,
  path: string,
  allowed: readonly DigestAlgorithm[],
): DigestAlgorithm {
  const name = readString(value, path);
  const found = allowed.find((algorithm) => algorithm === name);
  if (found === undefined) {
    throw malformed(
      path,
      `unsupported algorithm ${quote(name)} (supported: ${allowed.join(', ')})`,
    );
  }
  return found;
}

/** Decodes a lowercase hex digest of exactly the length `algorithm` produces. */
export function readHexDigest(value: unknown, path: string, algorithm: DigestAlgorithm): Buffer {
  const text = readString(value, path);
  const length = DIGEST_LENGTHS[algorithm] * 2;
  if (!LOWER_HEX.test(text) || text.length !== length) {
    throw malformed(
      path,
      `${algorithm} digest must be ${length} lowercase hex characters, got ${describeHex(text)}`,
    );
  }
  return Buffer.from(text, 'hex');
}

function describeHex(text: string): string {
  return LOWER_HEX.test(text) ? String(text.length) : `${quote(text)} (not lowercase hex)`;
}

/** Returns the digest of `data` with `algorithm`. */
export function digest(algorithm: DigestAlgorithm, data: Uint8Array | string): Buffer {
  return createHash(algorithm).update(data).digest();
}

/** Returns the lowercase hex SHA-256 of `data`. */
export function sha256Hex(data: Uint8Array | string): string {
  return digest('sha256', data).toString('hex');
}
