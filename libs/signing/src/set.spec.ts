import { fingerprintOf, generateKeyPair, parsePublicKey } from './keys';
import {
  entryTimestampPayload,
  signEntryTimestamp,
  verifyEntryTimestamp,
  type EntryTimestampPayload,
} from './set';
import { KeyObjectSigner } from './signers/key-object';
import fixture from './testdata/rekor-public-good.json';

const error = (code: string, message: string): Error =>
  expect.objectContaining({ code, message }) as Error;

describe(entryTimestampPayload.name, () => {
  const logID = 'ab'.repeat(32);

  it('is the JCS of exactly the four fields, integers as JSON integers', () => {
    const payload = entryTimestampPayload({
      body: 'e30=',
      integratedTime: 1700000000n,
      logID,
      logIndex: 2n ** 53n - 1n,
    });
    expect(Buffer.from(payload).toString()).toBe(
      `{"body":"e30=","integratedTime":1700000000,"logID":"${logID}","logIndex":9007199254740991}`,
    );
    const extra = {
      body: 'e30=',
      integratedTime: 1,
      logID,
      logIndex: 0,
      verification: {},
    } as EntryTimestampPayload;
    expect(Buffer.from(entryTimestampPayload(extra)).toString()).not.toContain('verification');
  });

  it.each([
    [{ body: '' }, 'SET body is empty'],
    [{ body: 'e30' }, 'SET body is not canonical standard base64'],
    [{ logID: 'AB'.repeat(32) }, 'SET logID is not lowercase hexadecimal'],
    [{ logID: 'ab' }, 'SET logID must be 32 bytes, got 1'],
    [{ logIndex: 2n ** 53n }, 'SET logIndex must be an integer in 0..2^53-1'],
    [{ logIndex: -1 }, 'SET logIndex must be an integer in 0..2^53-1'],
    [{ integratedTime: 1.5 }, 'SET integratedTime must be an integer in 0..2^53-1'],
    [{ integratedTime: 2 ** 53 }, 'SET integratedTime must be an integer in 0..2^53-1'],
  ] as Array<[Partial<EntryTimestampPayload>, string]>)('rejects %p', (change, message) => {
    const payload = { body: 'e30=', integratedTime: 1, logID, logIndex: 0, ...change };
    expect(() => entryTimestampPayload(payload)).toThrow(error('INVALID_ENCODING', message));
  });
});

describe(verifyEntryTimestamp.name, () => {
  const rekorKey = parsePublicKey(fixture.publicKeyPem);
  const { signedEntryTimestamps, ...payload } = fixture.entry;

  it.each(signedEntryTimestamps)('verifies a SET from rekor.sigstore.dev (%#)', (set) => {
    expect(fingerprintOf(rekorKey)).toBe(fixture.logID);
    expect(() => verifyEntryTimestamp(rekorKey, payload, Buffer.from(set, 'base64'))).not.toThrow();
  });

  it('rejects a SET over a different index', () => {
    const set = Buffer.from(signedEntryTimestamps[0]!, 'base64');
    expect(() =>
      verifyEntryTimestamp(rekorKey, { ...payload, logIndex: payload.logIndex + 1 }, set),
    ).toThrow(error('INVALID_SIGNATURE', 'signed entry timestamp does not verify'));
  });

  it('rejects a logID that is not the key', () => {
    const { publicKey } = generateKeyPair('ecdsa-p256-sha256');
    expect(() => verifyEntryTimestamp(publicKey, payload, Buffer.alloc(70))).toThrow(
      error('UNKNOWN_KEY', 'SET logID does not match the log public key'),
    );
  });
});

describe(signEntryTimestamp.name, () => {
  it('round-trips with verifyEntryTimestamp', async () => {
    const { privateKey, publicKey } = generateKeyPair('ecdsa-p256-sha256');
    const payload = {
      body: 'e30=',
      integratedTime: 1767225600n,
      logID: fingerprintOf(publicKey),
      logIndex: 7n,
    };
    const set = await signEntryTimestamp(new KeyObjectSigner(privateKey), payload);
    expect(() => verifyEntryTimestamp(publicKey, payload, set)).not.toThrow();
  });

  it('refuses a logID that is not the signer key, and P-384 keys', async () => {
    const { privateKey } = generateKeyPair('ecdsa-p256-sha256');
    const payload = { body: 'e30=', integratedTime: 1, logID: 'ab'.repeat(32), logIndex: 0 };
    await expect(
      signEntryTimestamp(new KeyObjectSigner(privateKey), payload),
    ).rejects.toMatchObject({
      code: 'INVALID_KEY',
      message: "SET logID is not the SHA-256 of the signer's public key",
    });
    const p384 = generateKeyPair('ecdsa-p384-sha384');
    await expect(
      signEntryTimestamp(new KeyObjectSigner(p384.privateKey), payload),
    ).rejects.toMatchObject({
      code: 'UNSUPPORTED_KEY',
      message:
        'a signed entry timestamp needs a P-256, Ed25519 or RSA key: clients verify ECDSA over SHA-256 only',
    });
  });
});
