import { randomBytes } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import { loadBody, storeBody } from './stored-body';

describe('stored entry bodies', () => {
  const certificatePem = `-----BEGIN CERTIFICATE-----\n${randomBytes(700)
    .toString('base64')
    .replace(/.{64}/g, '$&\n')}\n-----END CERTIFICATE-----\n`;
  const body = Buffer.from(
    JSON.stringify({
      apiVersion: '0.0.1',
      kind: 'hashedrekord',
      spec: {
        data: { hash: { algorithm: 'sha256', value: randomBytes(32).toString('hex') } },
        signature: {
          content: randomBytes(71).toString('base64'),
          publicKey: { content: Buffer.from(certificatePem).toString('base64') },
        },
      },
    }),
  );

  it('deflates a hashedrekord body by about a quarter and gives back the same bytes', () => {
    const stored = storeBody(body);
    expect(stored.deflated).toBe(true);
    expect(stored.bytes.length).toBeLessThan(body.length * 0.8);
    expect(loadBody(stored.bytes, true).equals(body)).toBe(true);
  });

  it.each([
    ['empty', Buffer.alloc(0)],
    ['tiny', Buffer.from('{}')],
    ['incompressible', randomBytes(2000)],
  ])('keeps a body that would not shrink as is (%s)', (_, raw) => {
    const stored = storeBody(raw);
    expect(stored).toEqual({ bytes: raw, deflated: false });
    expect(loadBody(stored.bytes, false)).toBe(raw);
  });

  it('refuses stored bytes that are not DEFLATE, or that would inflate beyond any body', () => {
    expect(() => loadBody(Buffer.from('not deflate at all'), true)).toThrow('invalid block type');
    const bomb = deflateRawSync(Buffer.alloc(65 * 1024 * 1024));
    expect(() => loadBody(bomb, true)).toThrow('Cannot create a Buffer larger than 67108864 bytes');
  });
});
