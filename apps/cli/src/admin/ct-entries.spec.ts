import {
  buildLeaf,
  merkleTreeLeaf,
  precertEntry,
  signTreeHead,
  tlsVector,
  encodeDigitallySigned,
  generateKeyPair,
  KeyObjectSigner,
} from '@app/signing';
import { hashLeaf, rootFromLeafHashes } from '@app/merkle';
import { testLeafRequest, testPki } from '@app/signing/x509/testing';
import { checkListingComplete, decodeCtEntry, verifiedTreeHead } from './ct-entries';
import { trustedRootOf } from './testing';

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

async function precertItem(pki: Awaited<ReturnType<typeof testPki>>, timestamp = 1_000n) {
  const leaf = buildLeaf(testLeafRequest(pki, new Date()));
  const precertificate = await leaf.precertificate();
  const leafInput = merkleTreeLeaf({
    timestamp,
    entry: precertEntry(precertificate, pki.intermediate),
  });
  const chain = Buffer.concat([tlsVector(3, pki.intermediate, 'c'), tlsVector(3, pki.root, 'c')]);
  const extraData = Buffer.concat([
    tlsVector(3, precertificate, 'p'),
    tlsVector(3, chain, 'chain'),
  ]);
  return { precertificate, leafInput, extraData, leaf };
}

describe(decodeCtEntry.name, () => {
  it('reads a precert entry and binds its precertificate to the leaf', async () => {
    const pki = await testPki();
    const item = await precertItem(pki, 1234n);
    const entry = decodeCtEntry(7n, item.leafInput, item.extraData);
    expect(entry).toMatchObject({ index: 7n, timestamp: 1234n, type: 'precert' });
    expect(Buffer.from(entry.certificate)).toEqual(Buffer.from(item.precertificate));
    expect(entry.chain.map((c) => Buffer.from(c))).toEqual([
      Buffer.from(pki.intermediate),
      Buffer.from(pki.root),
    ]);
  });

  it('refuses extra_data whose precertificate is not the one the leaf commits to', async () => {
    const pki = await testPki();
    const [a, b] = [await precertItem(pki), await precertItem(pki)];
    expect(() => decodeCtEntry(3n, a.leafInput, b.extraData)).toThrow(
      'CT entry 3: its precertificate is not the one its leaf commits to',
    );
  });

  it('reads an x509 entry', async () => {
    const pki = await testPki();
    const certificate = await buildLeaf(testLeafRequest(pki, new Date())).certificate();
    const leafInput = merkleTreeLeaf({ timestamp: 5n, entry: { type: 'x509', certificate } });
    const extraData = tlsVector(3, tlsVector(3, pki.intermediate, 'c'), 'chain');
    expect(decodeCtEntry(0n, leafInput, extraData)).toMatchObject({ type: 'x509', timestamp: 5n });
  });
});

describe(verifiedTreeHead.name, () => {
  it('accepts a tree head signed by a CT key of the trusted root, and nothing else', async () => {
    const ct = new KeyObjectSigner(generateKeyPair('ecdsa-p256-sha256').privateKey);
    const leaves = [Buffer.from('a'), Buffer.from('b'), Buffer.from('c')];
    const head = {
      treeSize: 3n,
      timestamp: 99n,
      rootHash: rootFromLeafHashes(leaves.map((l) => hashLeaf(l))),
    };
    const sth = {
      tree_size: 3,
      timestamp: 99,
      sha256_root_hash: b64(head.rootHash),
      tree_head_signature: b64(encodeDigitallySigned(await signTreeHead(ct, head))),
    };
    const root = trustedRootOf(generateKeyPair('ecdsa-p256-sha256').publicKey, ct.publicKey);
    const verified = verifiedTreeHead(sth, root);
    expect(verified.treeSize).toBe(3n);
    expect(() => verifiedTreeHead({ ...sth, tree_size: 4 }, root)).toThrow(
      "the CT log's signed tree head does not verify with the trusted root's CT keys",
    );
    // The tree head key listed as an artifact-log key only does not do.
    const misfiled = trustedRootOf(ct.publicKey, generateKeyPair('ecdsa-p256-sha256').publicKey);
    expect(() => verifiedTreeHead(sth, misfiled)).toThrow(
      "the CT log's signed tree head does not verify with the trusted root's CT keys",
    );

    // The listing: complete, or a missing or altered entry is caught.
    expect(() => checkListingComplete(verified, leaves)).not.toThrow();
    expect(() => checkListingComplete(verified, leaves.slice(0, 2))).toThrow(
      'the CT log listed 2 entries for a tree of 3',
    );
    expect(() => checkListingComplete(verified, [leaves[0]!, leaves[2]!, leaves[1]!])).toThrow(
      "the CT log's entries do not hash to its signed tree head's root",
    );
  });
});
