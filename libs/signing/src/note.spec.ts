import { createPrivateKey } from 'node:crypto';
import { generateKeyPair } from './keys';
import { formatNote, openNote, parseNote, signNote } from './note';
import { noteSignerOf, noteVerifierOf, parseVerifierKey } from './note-key';
import { KeyObjectSigner } from './signers/key-object';

// Vectors from golang.org/x/mod sumdb/note note_test.go (TestSign, TestOpen).
const text =
  "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const peterSig =
  '— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n';
const enochSig =
  '— EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n';
const peter = parseVerifierKey(
  'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW',
);
const enoch = parseVerifierKey('EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop');

const error = (code: string, message: string): Error =>
  expect.objectContaining({ code, message }) as Error;

describe(signNote.name, () => {
  it("reproduces sumdb/note's signed note byte for byte (Ed25519 is deterministic)", async () => {
    // The seed of sumdb/note's PRIVATE+KEY+PeterNeumann+c74f20a3+AYEK…, wrapped in PKCS#8 (RFC 8410 §7).
    const seed = Buffer.from('AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz', 'base64').subarray(1);
    const pkcs8 = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]);
    const privateKey = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
    const signer = noteSignerOf(new KeyObjectSigner(privateKey), 'PeterNeumann', 'c2sp');
    expect(signer.keyId).toBe(0xc74f20a3);
    expect(await signNote(text, [signer])).toBe(`${text}\n${peterSig}`);
  });

  it('rejects text that is empty or lacks its final newline', async () => {
    await expect(signNote('\n', [])).rejects.toMatchObject({
      code: 'INVALID_NOTE',
      message: 'note text is empty',
    });
    await expect(signNote('abc', [])).rejects.toMatchObject({
      code: 'INVALID_NOTE',
      message: 'note text does not end with a newline',
    });
  });

  it('adds one line per signer, in order', async () => {
    const a = generateKeyPair('ecdsa-p256-sha256');
    const b = generateKeyPair('ed25519');
    const signers = [
      noteSignerOf(new KeyObjectSigner(a.privateKey), 'a.example'),
      noteSignerOf(new KeyObjectSigner(b.privateKey), 'b.example', 'c2sp'),
    ];
    const note = await signNote('hello\n', signers);
    expect(parseNote(note).signatures.map((s) => s.name)).toEqual(['a.example', 'b.example']);
    const opened = openNote(note, [
      noteVerifierOf(a.publicKey, 'a.example'),
      noteVerifierOf(b.publicKey, 'b.example', 'c2sp'),
    ]);
    expect(opened.verified).toHaveLength(2);
  });
});

describe(openNote.name, () => {
  it('verifies known keys and sets unknown ones aside', () => {
    const opened = openNote(`${text}\n${peterSig}${enochSig}`, [peter]);
    expect(opened.text).toBe(text);
    expect(opened.verified.map((s) => s.name)).toEqual(['PeterNeumann']);
    expect(opened.unverified.map((s) => [s.name, s.keyId])).toEqual([['EnochRoot', 0xaf0cfe78]]);
    expect(openNote(`${text}\n${peterSig}${enochSig}`, [peter, enoch]).verified).toHaveLength(2);
  });

  it('accepts the same note as bytes and counts a repeated signature once', () => {
    const opened = openNote(Buffer.from(`${text}\n${peterSig}${peterSig}`), [peter]);
    expect(opened.verified).toHaveLength(1);
  });

  it('rejects a note signed only by unknown keys', () => {
    expect(() => openNote(`${text}\n${peterSig}${enochSig}`, [])).toThrow(
      error('UNKNOWN_KEY', 'note has no signature by a known key'),
    );
  });

  it('rejects a note whose known key signature fails, even beside a good one', () => {
    const bad = peterSig.slice(0, 60) + 'ABCD' + peterSig.slice(60);
    expect(() => openNote(`${text}\n${bad}`, [peter])).toThrow(
      error('INVALID_SIGNATURE', 'note signature by PeterNeumann+c74f20a3 does not verify'),
    );
    expect(() => openNote(`${text}\n${enochSig}${bad}`, [peter, enoch])).toThrow(
      error('INVALID_SIGNATURE', 'note signature by PeterNeumann+c74f20a3 does not verify'),
    );
  });

  it('ignores a signature with a known name but an unknown key ID', () => {
    const otherId = peterSig.replace('x08g', 'xxxx');
    expect(() => openNote(`${text}\n${otherId}`, [peter])).toThrow(
      error('UNKNOWN_KEY', 'note has no signature by a known key'),
    );
  });
});

describe(parseNote.name, () => {
  it.each([
    ['no signature block', text, 'note has no blank line before its signatures'],
    ['no signatures', `${text}\n`, 'note has no signatures'],
    ['no final newline', `${text}\n${peterSig.slice(0, -1)}`, 'note does not end with a newline'],
    [
      'a control character',
      `\u0001${text}\n${peterSig}`,
      'note contains a control character or an unpaired surrogate',
    ],
    [
      'a carriage return',
      `${text.replace('\n', '\r\n')}\n${peterSig}`,
      'note contains a control character or an unpaired surrogate',
    ],
    [
      'an unpaired surrogate',
      `\ud800${text}\n${peterSig}`,
      'note contains a control character or an unpaired surrogate',
    ],
    ['an empty text', `\n\n${peterSig}`, 'note text is empty'],
    [
      'a name with a space',
      `${text}\n— Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`,
      'signature line 1 is not "— <name> <base64 signature>"',
    ],
    [
      'a name with a plus',
      `${text}\n— Bad+Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`,
      'signature line 1 has an invalid key name',
    ],
    [
      'a line after the signatures',
      `${text}\n${peterSig}Unexpected line.\n`,
      'signature line 2 does not start with "— "',
    ],
    [
      'a hyphen instead of an em dash',
      `${text}\n${peterSig.replace('—', '-')}`,
      'signature line 1 does not start with "— "',
    ],
    [
      'two spaces after the dash',
      `${text}\n${peterSig.replace('— ', '—  ')}`,
      'signature line 1 is not "— <name> <base64 signature>"',
    ],
    ['bad base64', `${text}\n— PeterNeumann x08go!\n`, 'signature line 1 is not canonical base64'],
    [
      'a signature shorter than 5 bytes',
      `${text}\n— PeterNeumann AAAAAA==\n`,
      'signature line 1 is shorter than a key ID and a signature',
    ],
    ['101 signatures', `${text}\n${peterSig.repeat(101)}`, 'note has more than 100 signatures'],
  ])('rejects %s', (_, note, message) => {
    expect(() => parseNote(note)).toThrow(error('INVALID_NOTE', message));
  });

  it('rejects bytes that are not UTF-8', () => {
    const bytes = Buffer.concat([Buffer.from([0xff]), Buffer.from(`${text}\n${peterSig}`)]);
    expect(() => parseNote(bytes)).toThrow(error('INVALID_NOTE', 'note is not valid UTF-8'));
  });

  it('accepts 100 signatures and splits at the last blank line (C2SP signed-note "Format")', () => {
    expect(parseNote(`${text}\n${peterSig.repeat(100)}`).signatures).toHaveLength(100);
    expect(parseNote(`a\n\nb\n\n${peterSig}`).text).toBe('a\n\nb\n');
  });

  it('round-trips with formatNote', () => {
    const note = `${text}\n${peterSig}${enochSig}`;
    expect(formatNote(parseNote(note))).toBe(note);
  });
});

describe(formatNote.name, () => {
  it('rejects a note without signatures or with a bad key name', () => {
    expect(() => formatNote({ text, signatures: [] })).toThrow(
      error('INVALID_NOTE', 'note has no signatures'),
    );
    expect(() =>
      formatNote({ text, signatures: [{ name: 'a b', keyId: 1, signature: Uint8Array.of(1) }] }),
    ).toThrow(error('INVALID_NOTE', 'invalid key name "a b"'));
  });
});
