import { fromBase64, toBase64 } from './encoding';
import { SigningError } from './errors';
import { formatKeyId, isValidKeyName, type NoteSigner, type NoteVerifier } from './note-key';

/** One signature line of a note: the key's name and ID, and the bare signature bytes. */
export interface NoteSignature {
  name: string;
  keyId: number;
  signature: Uint8Array;
}

/** A note split into its text (ending in a newline) and its signatures, none yet verified. */
export interface SignedNote {
  text: string;
  signatures: NoteSignature[];
}

/** A note whose text is vouched for by at least one trusted key. */
export interface OpenedNote {
  text: string;
  /** Signatures by known keys that verified (one per key). */
  verified: NoteSignature[];
  /** Signatures by keys the caller did not supply, ignored as C2SP requires. */
  unverified: NoteSignature[];
}

/** Most signatures a note may carry; C2SP requires accepting at least 16 (Go's sumdb allows 100). */
export const MAX_NOTE_SIGNATURES = 100;

/**
 * Most lines a note may have (text and signatures). A checkpoint's text is three lines and a few
 * extensions, and a note carries at most {@link MAX_NOTE_SIGNATURES}: the cap is far above both,
 * and lets a huge note be refused before it is split and every line parsed.
 */
export const MAX_NOTE_LINES = 1000;

const EM_DASH_PREFIX = '\u2014 ';

/**
 * Splits a signed note (C2SP signed-note "Format") into text and signatures, strictly: the
 * note must be valid UTF-8 without control characters other than newline, end with a newline,
 * have at most {@link MAX_NOTE_LINES} lines, a non-empty text separated from the signatures by
 * its last blank line, and carry 1 to
 * {@link MAX_NOTE_SIGNATURES} lines `— <name> <base64(keyID[4] || signature)>`.
 *
 * @throws SigningError `INVALID_NOTE` naming the first rule broken.
 */
export function parseNote(note: string | Uint8Array): SignedNote {
  const text = typeof note === 'string' ? note : decodeUtf8(note);
  checkLineCount(text);
  checkCharacters(text, 'note');
  if (!text.endsWith('\n')) throw invalid('note does not end with a newline');
  const split = text.lastIndexOf('\n\n');
  if (split < 0) throw invalid('note has no blank line before its signatures');
  const body = text.slice(0, split + 1);
  if (/^\n*$/.test(body)) throw invalid('note text is empty');
  if (split + 2 === text.length) throw invalid('note has no signatures');
  const signatures = text
    .slice(split + 2, -1)
    .split('\n')
    .map(parseSignatureLine);
  if (signatures.length > MAX_NOTE_SIGNATURES) {
    throw invalid(`note has more than ${MAX_NOTE_SIGNATURES} signatures`);
  }
  return { text: body, signatures };
}

function parseSignatureLine(line: string, index: number): NoteSignature {
  const where = `signature line ${index + 1}`;
  if (!line.startsWith(EM_DASH_PREFIX)) throw invalid(`${where} does not start with "— "`);
  const fields = line.slice(EM_DASH_PREFIX.length).split(' ');
  const [name, encoded] = fields;
  if (fields.length !== 2 || name === undefined || encoded === undefined) {
    throw invalid(`${where} is not "— <name> <base64 signature>"`);
  }
  if (!isValidKeyName(name)) throw invalid(`${where} has an invalid key name`);
  let bytes: Uint8Array;
  try {
    bytes = fromBase64(encoded, where);
  } catch (cause) {
    throw new SigningError('INVALID_NOTE', `${where} is not canonical base64`, { cause });
  }
  if (bytes.length < 5) throw invalid(`${where} is shorter than a key ID and a signature`);
  const keyId = Buffer.from(bytes.buffer, bytes.byteOffset, 4).readUInt32BE(0);
  return { name, keyId, signature: bytes.subarray(4) };
}

/**
 * Returns the serialised note: `text`, a blank line, then one line per signature.
 *
 * @throws SigningError `INVALID_NOTE` when the text is empty, lacks its final newline or holds
 *   control characters, when a key name is invalid, or when there are no signatures or more
 *   than {@link MAX_NOTE_SIGNATURES}.
 */
export function formatNote(note: SignedNote): string {
  checkText(note.text);
  if (note.signatures.length === 0) throw invalid('note has no signatures');
  if (note.signatures.length > MAX_NOTE_SIGNATURES) {
    throw invalid(`note has more than ${MAX_NOTE_SIGNATURES} signatures`);
  }
  const lines = note.signatures.map(({ name, keyId, signature }) => {
    if (!isValidKeyName(name)) throw invalid(`invalid key name ${JSON.stringify(name)}`);
    const bytes = Buffer.alloc(4 + signature.length);
    bytes.writeUInt32BE(keyId, 0);
    bytes.set(signature, 4);
    return `${EM_DASH_PREFIX}${name} ${toBase64(bytes)}\n`;
  });
  return `${note.text}\n${lines.join('')}`;
}

/**
 * Signs `text` with every signer, in order, and returns the serialised note.
 *
 * @throws SigningError `INVALID_NOTE` as {@link formatNote}; a signer's own errors.
 */
export async function signNote(text: string, signers: readonly NoteSigner[]): Promise<string> {
  checkText(text);
  const bytes = new TextEncoder().encode(text);
  const signatures: NoteSignature[] = [];
  for (const signer of signers) {
    signatures.push({
      name: signer.name,
      keyId: signer.keyId,
      signature: await signer.sign(bytes),
    });
  }
  return formatNote({ text, signatures });
}

/**
 * Parses `note` and verifies it against trusted `verifiers` (C2SP signed-note "Signatures"):
 * signatures whose (name, key ID) match no verifier are set aside; a signature by a known key
 * that fails rejects the whole note; at least one known signature must verify.
 *
 * @returns the text and the verified and ignored signatures.
 * @throws SigningError `INVALID_NOTE` as {@link parseNote}; `INVALID_SIGNATURE` when a known
 *   key's signature fails; `UNKNOWN_KEY` when no signature is by a known key.
 */
export function openNote(
  note: string | Uint8Array,
  verifiers: readonly NoteVerifier[],
): OpenedNote {
  const { text, signatures } = parseNote(note);
  const bytes = new TextEncoder().encode(text);
  const verified: NoteSignature[] = [];
  const unverified: NoteSignature[] = [];
  for (const signature of signatures) {
    const { name, keyId } = signature;
    const candidates = verifiers.filter((v) => v.name === name && v.keyId === keyId);
    if (candidates.length === 0) {
      unverified.push(signature);
      continue;
    }
    if (!candidates.some((v) => v.verify(bytes, signature.signature))) {
      throw new SigningError(
        'INVALID_SIGNATURE',
        `note signature by ${name}+${formatKeyId(keyId)} does not verify`,
      );
    }
    if (!verified.some((v) => v.name === name && v.keyId === keyId)) verified.push(signature);
  }
  if (verified.length === 0) {
    throw new SigningError('UNKNOWN_KEY', 'note has no signature by a known key');
  }
  return { text, verified, unverified };
}

function checkText(text: string): void {
  checkCharacters(text, 'note text');
  if (/^\n*$/.test(text)) throw invalid('note text is empty');
  if (!text.endsWith('\n')) throw invalid('note text does not end with a newline');
}

function checkLineCount(text: string): void {
  let lines = 0;
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) {
    if (++lines > MAX_NOTE_LINES) throw invalid(`note has more than ${MAX_NOTE_LINES} lines`);
  }
}

function checkCharacters(text: string, what: string): void {
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    // Iterating by code point leaves only unpaired surrogates in D800–DFFF: not UTF-8.
    if ((code < 0x20 && code !== 0x0a) || (code >= 0xd800 && code <= 0xdfff)) {
      throw invalid(`${what} contains a control character or an unpaired surrogate`);
    }
  }
}

function decodeUtf8(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch (cause) {
    throw new SigningError('INVALID_NOTE', 'note is not valid UTF-8', { cause });
  }
}

function invalid(message: string): SigningError {
  return new SigningError('INVALID_NOTE', message);
}
