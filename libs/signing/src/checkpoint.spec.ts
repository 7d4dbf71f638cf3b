import fc from 'fast-check';
import {
  formatCheckpoint,
  openCheckpoint,
  parseCheckpoint,
  rekorCheckpointOrigin,
  rekorKeyName,
  signCheckpoint,
  type Checkpoint,
} from './checkpoint';
import { generateKeyPair, logIdOf, parsePublicKey } from './keys';
import { noteVerifierOf } from './note-key';
import { KeyObjectSigner } from './signers/key-object';
import fixture from './testdata/rekor-public-good.json';

const error = (code: string, message: string): Error =>
  expect.objectContaining({ code, message }) as Error;
const root = new Uint8Array(32).fill(7);
const sample: Checkpoint = { origin: 'log.example - 1', treeSize: 10n, rootHash: root };

describe(formatCheckpoint.name, () => {
  it('writes origin, size, base64 root and extensions, one per line', () => {
    expect(formatCheckpoint({ ...sample, extensions: ['Timestamp: 1'] })).toBe(
      `log.example - 1\n10\n${Buffer.from(root).toString('base64')}\nTimestamp: 1\n`,
    );
  });

  it('round-trips with parseCheckpoint', () => {
    const line = fc.string({ minLength: 1 }).filter((s) => !s.includes('\n'));
    fc.assert(
      fc.property(
        line,
        fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.array(line, { maxLength: 3 }),
        (origin, treeSize, rootHash, extensions) => {
          const parsed = parseCheckpoint(
            formatCheckpoint({ origin, treeSize, rootHash, extensions }),
          );
          expect(parsed).toEqual({ origin, treeSize, rootHash, extensions });
        },
      ),
    );
  });

  it.each([
    [{ ...sample, origin: '' }, 'checkpoint origin must be one non-empty line'],
    [{ ...sample, origin: 'a\nb' }, 'checkpoint origin must be one non-empty line'],
    [{ ...sample, treeSize: -1n }, 'checkpoint tree size is outside 0..2^64-1'],
    [{ ...sample, treeSize: 2n ** 64n }, 'checkpoint tree size is outside 0..2^64-1'],
    [{ ...sample, rootHash: new Uint8Array(31) }, 'checkpoint root hash must be 32 bytes, got 31'],
    [{ ...sample, extensions: [''] }, 'checkpoint extension line 1 must be one non-empty line'],
  ])('rejects %#', (checkpoint, message) => {
    expect(() => formatCheckpoint(checkpoint)).toThrow(error('INVALID_CHECKPOINT', message));
  });
});

describe(parseCheckpoint.name, () => {
  const b64 = Buffer.from(root).toString('base64');
  it.each([
    [`o\n1\n${b64}`, 'checkpoint text does not end with a newline'],
    ['o\n1\n', 'checkpoint has fewer than 3 lines'],
    [`\n1\n${b64}\n`, 'checkpoint origin is empty'],
    [`o\n01\n${b64}\n`, 'checkpoint tree size "01" is not canonical decimal'],
    [`o\n+1\n${b64}\n`, 'checkpoint tree size "+1" is not canonical decimal'],
    [`o\n18446744073709551616\n${b64}\n`, 'checkpoint tree size exceeds 2^64-1'],
    ['o\n1\nnot base64\n', 'checkpoint root hash is not canonical base64'],
    ['o\n1\nAAAA\n', 'checkpoint root hash must be 32 bytes, got 3'],
    [`o\n1\n${b64}\next\n\n`, 'checkpoint extension line 2 is empty'],
  ])('rejects %p', (text, message) => {
    expect(() => parseCheckpoint(text)).toThrow(error('INVALID_CHECKPOINT', message));
  });
});

describe(openCheckpoint.name, () => {
  const rekorKey = parsePublicKey(fixture.publicKeyPem);
  const rekor = noteVerifierOf(rekorKey, 'rekor.sigstore.dev');

  it.each(fixture.checkpoints)(
    'verifies a checkpoint signed by rekor.sigstore.dev (size $treeSize)',
    (vector) => {
      const { checkpoint, note } = openCheckpoint(
        vector.note,
        [rekor],
        'rekor.sigstore.dev - 2605736670972794746',
      );
      expect(checkpoint.treeSize).toBe(BigInt(vector.treeSize));
      expect(checkpoint.extensions).toEqual(vector.extensions);
      expect(note.verified.map((s) => s.keyId)).toEqual([0xc0d23d6a]);
      if ('rootHashHex' in vector)
        expect(Buffer.from(checkpoint.rootHash).toString('hex')).toBe(vector.rootHashHex);
    },
  );

  it('rejects a checkpoint for another origin', () => {
    expect(() =>
      openCheckpoint(fixture.checkpoints[0]!.note, [rekor], 'rekor.sigstore.dev - 1'),
    ).toThrow(
      error(
        'INVALID_CHECKPOINT',
        'checkpoint origin "rekor.sigstore.dev - 2605736670972794746" is not "rekor.sigstore.dev - 1"',
      ),
    );
  });

  it('rejects a tampered size', () => {
    const tampered = fixture.checkpoints[0]!.note.replace('6915767', '6915768');
    expect(() => openCheckpoint(tampered, [rekor])).toThrow(
      error('INVALID_SIGNATURE', 'note signature by rekor.sigstore.dev+c0d23d6a does not verify'),
    );
  });
});

describe(signCheckpoint.name, () => {
  it.each([
    ['ecdsa-p256-sha256', 'rekor'],
    ['ed25519', 'rekor'],
    ['ed25519', 'c2sp'],
    ['rsa-pkcs1-sha256', 'rekor'],
  ] as const)(
    'signs a %s checkpoint that opens with the %s key ID rule',
    async (algorithm, rule) => {
      const { privateKey, publicKey } = generateKeyPair(algorithm, 2048);
      const note = await signCheckpoint(
        new KeyObjectSigner(privateKey),
        'log.example',
        sample,
        rule,
      );
      expect(
        openCheckpoint(note, [noteVerifierOf(publicKey, 'log.example', rule)]).checkpoint,
      ).toEqual({
        ...sample,
        extensions: [],
      });
      expect(note.endsWith('\n')).toBe(true);
    },
  );

  it('uses the first 4 bytes of the log ID as the key hint by default (Rekor)', async () => {
    const { privateKey, publicKey } = generateKeyPair('ed25519');
    const note = await signCheckpoint(new KeyObjectSigner(privateKey), 'log.example', sample);
    const line = note.split('\n').at(-2) ?? '';
    const hint = Buffer.from(line.split(' ')[2] ?? '', 'base64').subarray(0, 4);
    expect(hint).toEqual(Buffer.from(logIdOf(publicKey)).subarray(0, 4));
  });

  it('refuses a P-384 key', async () => {
    const { privateKey } = generateKeyPair('ecdsa-p384-sha384');
    await expect(
      signCheckpoint(new KeyObjectSigner(privateKey), 'log.example', sample),
    ).rejects.toMatchObject({
      code: 'UNSUPPORTED_KEY',
      message:
        'a signed note needs a P-256, Ed25519 or RSA key: clients verify ECDSA over SHA-256 only',
    });
  });
});

describe(rekorCheckpointOrigin.name, () => {
  it('is "<host[:port]> - <treeID>" of the public URL', () => {
    expect(rekorCheckpointOrigin('https://log.example.com/', 1193050959916656506n)).toBe(
      'log.example.com - 1193050959916656506',
    );
    expect(rekorKeyName('http://127.0.0.1:3000/api')).toBe('127.0.0.1:3000');
    expect(rekorKeyName('https://log.example.com:443')).toBe('log.example.com');
  });

  it('rejects bad tree IDs and URLs', () => {
    expect(() => rekorCheckpointOrigin('https://a', 0n)).toThrow(
      error('INVALID_CHECKPOINT', 'tree ID must be between 1 and 2^63-1'),
    );
    expect(() => rekorKeyName('log.example')).toThrow(
      error('INVALID_NOTE', 'log URL "log.example" is not an absolute URL'),
    );
    expect(() => rekorKeyName('file:///tmp/x')).toThrow(
      error('INVALID_NOTE', 'log URL "file:///tmp/x" is not an http(s) URL with a host'),
    );
  });
});
