import { dsse as sigstoreDsse } from '@sigstore/core';
import { Envelope } from '@sigstore/protobuf-specs';
import { DSSESignatureContent } from '@sigstore/verify/dist/bundle/dsse';
import fc from 'fast-check';
import {
  parseEnvelope,
  preAuthEncoding,
  signEnvelope,
  verifyEnvelope,
  type DsseEnvelope,
} from './dsse';
import { generateKeyPair } from './keys';
import { KeyObjectSigner } from './signers/key-object';

const error = (code: string, message: string): Error =>
  expect.objectContaining({ code, message }) as Error;
const TYPE = 'application/vnd.in-toto+json';

describe(preAuthEncoding.name, () => {
  it('matches the DSSE protocol.md test vector', () => {
    expect(
      Buffer.from(
        preAuthEncoding('http://example.com/HelloWorld', Buffer.from('hello world')),
      ).toString(),
    ).toBe('DSSEv1 29 http://example.com/HelloWorld 11 hello world');
  });

  it('counts bytes, not characters, and agrees with @sigstore/core', () => {
    expect(Buffer.from(preAuthEncoding('é', Buffer.from('€'))).toString()).toBe('DSSEv1 2 é 3 €');
    fc.assert(
      fc.property(fc.string(), fc.uint8Array(), (type, payload) => {
        expect(Buffer.from(preAuthEncoding(type, payload))).toEqual(
          sigstoreDsse.preAuthEncoding(type, Buffer.from(payload)),
        );
      }),
    );
  });
});

describe(signEnvelope.name, () => {
  it('produces an envelope that @sigstore/verify accepts (DSSESignatureContent)', async () => {
    const { privateKey, publicKey } = generateKeyPair('ecdsa-p256-sha256');
    const envelope = await signEnvelope(
      new KeyObjectSigner(privateKey),
      TYPE,
      '{"_type":"statement"}',
    );
    expect(envelope.signatures[0]).not.toHaveProperty('keyid');
    const content = new DSSESignatureContent(
      Envelope.fromJSON(JSON.parse(JSON.stringify(envelope))),
    );
    expect(content.verifySignature(publicKey)).toBe(true);
    // A different key must fail, or the check above proves nothing.
    expect(content.verifySignature(generateKeyPair('ecdsa-p256-sha256').publicKey)).toBe(false);
  });

  it('keeps a given keyid', async () => {
    const { privateKey } = generateKeyPair('ed25519');
    const envelope = await signEnvelope(
      new KeyObjectSigner(privateKey),
      TYPE,
      Buffer.from('x'),
      'key-1',
    );
    expect(envelope.signatures[0]?.keyid).toBe('key-1');
  });
});

describe(verifyEnvelope.name, () => {
  const a = generateKeyPair('ecdsa-p256-sha256');
  const b = generateKeyPair('ed25519');
  const c = generateKeyPair('rsa-pkcs1-sha256', 2048);

  const twoSigned = async (): Promise<DsseEnvelope> => {
    const first = await signEnvelope(new KeyObjectSigner(a.privateKey), TYPE, 'payload', 'a');
    const second = await signEnvelope(new KeyObjectSigner(b.privateKey), TYPE, 'payload', 'b');
    return { ...first, signatures: [...first.signatures, ...second.signatures] };
  };

  it('reports which signatures verified, with a key list', async () => {
    const result = verifyEnvelope(await twoSigned(), [b.publicKey, c.publicKey]);
    expect(Buffer.from(result.payload).toString()).toBe('payload');
    expect(result.payloadType).toBe(TYPE);
    expect(result.verified.map((v) => [v.index, v.keyid])).toEqual([[1, 'b']]);
    expect(result.verified[0]?.publicKey.equals(b.publicKey)).toBe(true);
  });

  it('uses keyid as a hint with a key map, falling back to every key', async () => {
    const envelope = await twoSigned();
    expect(verifyEnvelope(envelope, { a: a.publicKey, b: b.publicKey }).verified).toHaveLength(2);
    // "b" is mapped to the wrong key, so its signature fails; "a" is not mapped and is searched for.
    expect(
      verifyEnvelope(envelope, { b: c.publicKey, z: a.publicKey }).verified.map((v) => v.index),
    ).toEqual([0]);
  });

  it('rejects a tampered payload or type', async () => {
    const envelope = await twoSigned();
    const keys = [a.publicKey, b.publicKey];
    expect(() =>
      verifyEnvelope({ ...envelope, payload: Buffer.from('payloaD').toString('base64') }, keys),
    ).toThrow(error('INVALID_SIGNATURE', 'no envelope signature verifies with the given keys'));
    expect(() => verifyEnvelope({ ...envelope, payloadType: 'text/plain' }, keys)).toThrow(
      error('INVALID_SIGNATURE', 'no envelope signature verifies with the given keys'),
    );
  });

  it('accepts URL-safe unpadded base64, which DSSE allows', async () => {
    const envelope = await signEnvelope(
      new KeyObjectSigner(b.privateKey),
      TYPE,
      Buffer.from([0xfb, 0xff, 0xfe, 0x01]),
    );
    const urlSafe = {
      ...envelope,
      payload: Buffer.from(envelope.payload, 'base64').toString('base64url'),
    };
    expect(urlSafe.payload).toBe('-__-AQ');
    expect(verifyEnvelope(urlSafe, [b.publicKey]).verified).toHaveLength(1);
  });
});

describe(parseEnvelope.name, () => {
  const good = { payloadType: TYPE, payload: 'e30=', signatures: [{ sig: 'AAAA' }] };

  it.each([
    ['not JSON', '{', 'envelope is not valid JSON'],
    ['an array', [], 'envelope is not a JSON object'],
    [
      'a missing payloadType',
      { ...good, payloadType: undefined },
      'envelope payloadType must be a string',
    ],
    [
      'a payload that is not base64',
      { ...good, payload: 'a b' },
      'envelope payload must be a base64 string',
    ],
    [
      'a payload mixing alphabets',
      { ...good, payload: 'a+b_' },
      'envelope payload must be a base64 string',
    ],
    ['no signatures', { ...good, signatures: [] }, 'envelope must have at least one signature'],
    [
      'a signature that is not an object',
      { ...good, signatures: ['x'] },
      'envelope signature 0 is not an object',
    ],
    [
      'an empty sig',
      { ...good, signatures: [{ sig: '' }] },
      'envelope signature 0 sig must be a non-empty base64 string',
    ],
    [
      'a numeric keyid',
      { ...good, signatures: [{ sig: 'AAAA', keyid: 1 }] },
      'envelope signature 0 keyid must be a string',
    ],
  ])('rejects %s', (_, value, message) => {
    expect(() => parseEnvelope(value)).toThrow(error('INVALID_ENVELOPE', message));
  });

  it('parses JSON text and drops an empty keyid and unknown members', () => {
    const text = JSON.stringify({ ...good, extra: 1, signatures: [{ sig: 'AAAA', keyid: '' }] });
    expect(parseEnvelope(text)).toEqual({
      payloadType: TYPE,
      payload: 'e30=',
      signatures: [{ sig: 'AAAA' }],
    });
  });
});
