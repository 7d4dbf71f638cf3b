import { createHash } from 'node:crypto';
import { merkleTreeLeaf, precertEntry } from './ct';
import { decodeTileLeaf, encodeTileLeaf, extraData, merkleTreeLeafOf } from './ct-tile-leaf';
import { buildLeaf } from './leaf';
import { testLeafRequest, testPki, type TestPki } from './testing';

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest();
const u24 = (n: number) => Buffer.from([n >> 16, (n >> 8) & 0xff, n & 0xff]);

describe(`${encodeTileLeaf.name} and ${extraData.name} (static-ct-api TileLeaf, RFC 6962 §4.6)`, () => {
  let pki: TestPki;
  let precertificate: Uint8Array;
  let certificate: Uint8Array;
  beforeAll(async () => {
    pki = await testPki();
    const leaf = buildLeaf(testLeafRequest(pki, new Date()));
    precertificate = await leaf.precertificate();
    certificate = await leaf.certificate();
  });

  it('stores a precert entry with its precertificate and chain fingerprints, and reads it back', () => {
    const timestamp = 1_700_000_000_123n;
    const merkleLeaf = merkleTreeLeaf({
      timestamp,
      entry: precertEntry(precertificate, pki.intermediate),
    });
    const chainFingerprints = [sha256(pki.intermediate), sha256(pki.root)];
    const body = encodeTileLeaf({
      timestampedEntry: merkleLeaf.subarray(2),
      precertificate,
      chainFingerprints,
    });
    expect(
      body
        .subarray(merkleLeaf.length - 2)
        .equals(
          Buffer.concat([
            u24(precertificate.length),
            precertificate,
            Buffer.from([0, 64]),
            ...chainFingerprints,
          ]),
        ),
    ).toBe(true);
    const leaf = decodeTileLeaf(body);
    expect(leaf).toMatchObject({ timestamp, entryType: 'precert_entry' });
    expect(merkleTreeLeafOf(leaf.timestampedEntry).equals(Buffer.from(merkleLeaf))).toBe(true);
    expect(leaf.certificate.equals(Buffer.from(precertificate))).toBe(true);
    expect(leaf.chainFingerprints).toEqual(chainFingerprints);

    const extra = extraData(leaf, [pki.intermediate, pki.root]);
    const chain = Buffer.concat([
      u24(pki.intermediate.length),
      pki.intermediate,
      u24(pki.root.length),
      pki.root,
    ]);
    expect(
      extra.equals(
        Buffer.concat([u24(precertificate.length), precertificate, u24(chain.length), chain]),
      ),
    ).toBe(true);
  });

  it('stores an x509 entry without a separate certificate, and serves its chain alone', () => {
    const merkleLeaf = merkleTreeLeaf({ timestamp: 5n, entry: { type: 'x509', certificate } });
    const body = encodeTileLeaf({
      timestampedEntry: merkleLeaf.subarray(2),
      chainFingerprints: [sha256(pki.intermediate)],
    });
    const leaf = decodeTileLeaf(body);
    expect(leaf).toMatchObject({ timestamp: 5n, entryType: 'x509_entry' });
    expect(leaf.certificate.equals(Buffer.from(certificate))).toBe(true);
    expect(merkleTreeLeafOf(leaf.timestampedEntry).equals(Buffer.from(merkleLeaf))).toBe(true);
    const extra = extraData(leaf, [pki.intermediate]);
    expect(
      extra.equals(
        Buffer.concat([
          u24(pki.intermediate.length + 3),
          u24(pki.intermediate.length),
          pki.intermediate,
        ]),
      ),
    ).toBe(true);
  });

  it('refuses malformed bodies', () => {
    const merkleLeaf = merkleTreeLeaf({ timestamp: 5n, entry: { type: 'x509', certificate } });
    const body = encodeTileLeaf({
      timestampedEntry: merkleLeaf.subarray(2),
      chainFingerprints: [],
    });
    expect(() => decodeTileLeaf(Buffer.concat([body, Buffer.from([1])]))).toThrow(
      '1 trailing bytes after the certificate chain',
    );
    expect(() => decodeTileLeaf(body.subarray(0, 20))).toThrow('truncated certificate');
    const badType = Buffer.from(body);
    badType.writeUInt16BE(2, 8);
    expect(() => decodeTileLeaf(badType)).toThrow('unknown entry type 2');
    const oddChain = Buffer.concat([
      body.subarray(0, body.length - 2),
      Buffer.from([0, 3, 1, 2, 3]),
    ]);
    expect(() => decodeTileLeaf(oddChain)).toThrow('the certificate chain is not 32-byte hashes');
  });
});
