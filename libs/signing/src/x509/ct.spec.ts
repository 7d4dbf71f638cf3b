import { signingError } from './matchers';
import { createHash, createPublicKey, X509Certificate as NodeCertificate } from 'node:crypto';
import type { SignatureAlgorithm } from '../signer';
import {
  ctLogId,
  issuerKeyHash,
  merkleTreeLeaf,
  precertEntry,
  sctSignatureInput,
  signSct,
  verifySct,
} from './ct';
import { buildLeaf } from './leaf';
import { FulcioOid } from './oids';
import { parseCertificate } from './parse';
import {
  publicGoodCtLogKey,
  publicGoodIntermediatePem,
  publicGoodLeafPem,
} from './public-good.fixture';
import { embeddedScts } from './sct';
import { testPki, testSigner, type TestPki } from './testing';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const timestamp = 1_700_000_000_000n; // 0x0000018bcfe56800
const x509Entry = { type: 'x509', certificate: Uint8Array.of(0xaa, 0xbb) } as const;
const precert = {
  type: 'precert',
  issuerKeyHash: new Uint8Array(32).fill(0x22),
  tbsCertificate: Uint8Array.of(0x30, 0x00),
} as const;

describe(sctSignatureInput.name, () => {
  // RFC 6962 §3.2, by hand: sct_version 00 | signature_type 00 | timestamp (8) | entry_type (2)
  // | entry | extensions length 0000.
  it('lays out an x509_entry', () => {
    expect(hex(sctSignatureInput({ timestamp, entry: x509Entry }))).toBe(
      '0000' + '0000018bcfe56800' + '0000' + '000002aabb' + '0000',
    );
  });

  it('lays out a precert_entry with issuer_key_hash and uint24-length TBS', () => {
    expect(
      hex(sctSignatureInput({ timestamp, entry: precert, extensions: Uint8Array.of(9) })),
    ).toBe('0000' + '0000018bcfe56800' + '0001' + '22'.repeat(32) + '0000023000' + '000109');
  });

  it('rejects an empty certificate and a short issuer key hash', () => {
    expect(() =>
      sctSignatureInput({ timestamp, entry: { type: 'x509', certificate: new Uint8Array(0) } }),
    ).toThrow(signingError('INVALID_ENCODING', 'certificate length 0 out of range'));
    expect(() =>
      sctSignatureInput({ timestamp, entry: { ...precert, issuerKeyHash: new Uint8Array(31) } }),
    ).toThrow(signingError('INVALID_ENCODING', 'issuer_key_hash must be 32 bytes'));
  });
});

describe(merkleTreeLeaf.name, () => {
  // RFC 6962 §3.4: version v1(0) | leaf_type timestamped_entry(0) | TimestampedEntry. Both leading
  // enums are 0, so the leaf input and the SCT signature input coincide byte for byte.
  it('prefixes the TimestampedEntry with version and leaf type', () => {
    expect(hex(merkleTreeLeaf({ timestamp, entry: x509Entry }))).toBe(
      '00000000018bcfe568000000000002aabb0000',
    );
    expect(merkleTreeLeaf({ timestamp, entry: precert })).toEqual(
      sctSignatureInput({ timestamp, entry: precert }),
    );
  });
});

describe(issuerKeyHash.name, () => {
  it("is SHA-256 of the issuer's DER SPKI as Node exports it", async () => {
    const { intermediate } = await testPki();
    const spki = new NodeCertificate(Buffer.from(intermediate)).publicKey.export({
      type: 'spki',
      format: 'der',
    });
    expect(hex(issuerKeyHash(intermediate))).toBe(createHash('sha256').update(spki).digest('hex'));
  });
});

describe(precertEntry.name, () => {
  let pki: TestPki;
  beforeAll(async () => {
    pki = await testPki();
  });

  it('gives the same entry for the precertificate and the final certificate', async () => {
    const template = buildLeaf({
      issuer: pki.intermediate,
      issuerSigner: pki.intermediateSigner,
      subjectPublicKey: testSigner('ed25519').publicKey,
      subjectAltName: { type: 'email', value: 'dev@example.com' },
      extensions: { [FulcioOid.issuerV2]: 'https://issuer.example' },
      notBefore: pki.notBefore,
      notAfter: pki.notAfter,
    });
    const log = testSigner('ecdsa-p256-sha256');
    const fromPrecert = precertEntry(await template.precertificate(), pki.intermediate);
    const sct = await signSct(log, { timestamp, entry: fromPrecert });
    const fromFinal = precertEntry(
      await template.certificate([sct]),
      parseCertificate(pki.intermediate),
    );
    expect(fromFinal).toEqual(fromPrecert);
    expect(fromPrecert).toEqual({
      type: 'precert',
      issuerKeyHash: issuerKeyHash(pki.intermediate),
      tbsCertificate: template.tbsWithoutPoison,
    });
  });
});

describe(verifySct.name, () => {
  it('accepts the SCT the public-good CT log embedded in a real Fulcio certificate', () => {
    const leaf = parseCertificate(publicGoodLeafPem);
    const [sct, ...rest] = embeddedScts(leaf);
    expect(rest).toEqual([]);
    expect(new Date(Number(sct!.timestamp)).toISOString()).toBe('2022-07-22T21:11:51.196Z');
    const key = createPublicKey({
      key: Buffer.from(publicGoodCtLogKey, 'base64'),
      format: 'der',
      type: 'spki',
    });
    expect(hex(ctLogId(key))).toBe(
      '086092f02852ff6845d1d16b27849c456718ac163dc338d26de6bc2206366f72',
    );
    const entry = precertEntry(leaf, parseCertificate(publicGoodIntermediatePem));
    expect(() => verifySct(sct!, entry, key)).not.toThrow();
    expect(() => verifySct({ ...sct!, timestamp: sct!.timestamp + 1n }, entry, key)).toThrow(
      signingError('INVALID_SIGNATURE', 'SCT signature does not verify'),
    );
  });

  it.each<[SignatureAlgorithm, [number, number]]>([
    ['ecdsa-p256-sha256', [4, 3]],
    ['ecdsa-p384-sha384', [5, 3]],
    ['rsa-pkcs1-sha256', [4, 1]],
    ['ed25519', [8, 7]],
  ])('round-trips with a %s log, algorithm codes %j', async (algorithm, codes) => {
    const log = testSigner(algorithm);
    const sct = await signSct(log, { timestamp, entry: precert });
    expect([sct.hashAlgorithm, sct.signatureAlgorithm]).toEqual(codes);
    expect(sct.logId).toEqual(ctLogId(log.publicKey));
    expect(() => verifySct(sct, precert, log.publicKey)).not.toThrow();
    expect(() => verifySct(sct, x509Entry, log.publicKey)).toThrow(
      signingError('INVALID_SIGNATURE', 'SCT signature does not verify'),
    );
  });

  it('names the log ID mismatch when the key is another log', async () => {
    const log = testSigner('ecdsa-p256-sha256');
    const other = testSigner('ecdsa-p256-sha256');
    const sct = await signSct(log, { timestamp, entry: precert });
    expect(() => verifySct(sct, precert, other.publicKey)).toThrow(
      signingError(
        'UNKNOWN_KEY',
        `SCT log ID ${hex(sct.logId)} is not the log key's ID ${hex(ctLogId(other.publicKey))}`,
      ),
    );
  });

  it('rejects algorithm codes that do not fit the key', async () => {
    const log = testSigner('ecdsa-p256-sha256');
    const sct = await signSct(log, { timestamp, entry: precert });
    expect(() => verifySct({ ...sct, signatureAlgorithm: 1 }, precert, log.publicKey)).toThrow(
      signingError(
        'INVALID_SIGNATURE',
        "SCT algorithm (hash 4, signature 1) does not fit the log's ec key",
      ),
    );
  });
});
