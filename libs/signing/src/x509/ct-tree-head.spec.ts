import { createHash, verify } from 'node:crypto';
import { ctLogId, formatCheckpoint, openCheckpoint, signNote } from '@app/signing';
import { testSigner } from '@app/signing/x509/testing';
import {
  rfc6962NoteKeyId,
  rfc6962NoteSigner,
  rfc6962NoteVerifier,
  signTreeHead,
  treeHeadFromNote,
  treeHeadSignatureInput,
  verifyTreeHead,
} from './ct-tree-head';

const root = createHash('sha256').update('root').digest();

describe(`${signTreeHead.name} and ${rfc6962NoteSigner.name} (RFC 6962 §3.5, static-ct-api checkpoints)`, () => {
  const signer = testSigner('ecdsa-p256-sha256');
  const logId = ctLogId(signer.publicKey);

  it('lays out the TreeHeadSignature input as RFC 6962 §3.5 defines it', () => {
    const input = treeHeadSignatureInput({ timestamp: 0x0102n, treeSize: 7n, rootHash: root });
    expect(input.toString('hex')).toBe(
      `0001${'0000000000000102'}${'0000000000000007'}${root.toString('hex')}`,
    );
    expect(() =>
      treeHeadSignatureInput({ timestamp: 0n, treeSize: 0n, rootHash: root.subarray(1) }),
    ).toThrow('the root hash must be 32 bytes');
  });

  it('signs sha256/ecdsa tree heads that verify, and only for what was signed', async () => {
    const head = { timestamp: 1_700_000_000_000n, treeSize: 5n, rootHash: root };
    const signature = await signTreeHead(signer, head);
    expect([signature.hashAlgorithm, signature.signatureAlgorithm]).toEqual([4, 3]);
    expect(
      verify('sha256', treeHeadSignatureInput(head), signer.publicKey, signature.signature),
    ).toBe(true);
    expect(verifyTreeHead(signer.publicKey, { ...head, signature })).toBe(true);
    expect(verifyTreeHead(signer.publicKey, { ...head, treeSize: 6n, signature })).toBe(false);
    expect(verifyTreeHead(testSigner('ecdsa-p256-sha256').publicKey, { ...head, signature })).toBe(
      false,
    );
    await expect(signTreeHead(testSigner('ed25519'), head)).rejects.toThrow(
      'a CT log key must be ECDSA P-256, not ed25519',
    );
  });

  it('carries the tree head in a checkpoint note as an RFC6962NoteSignature', async () => {
    const origin = 'log.example:3000/ct/42';
    const checkpoint = { origin, treeSize: 3n, rootHash: root };
    const note = await signNote(formatCheckpoint(checkpoint), [
      rfc6962NoteSigner(signer, origin, logId, 1234n),
    ]);
    // Key ID per static-ct-api: SHA-256(name ‖ 0x0A ‖ 0x05 ‖ LogID)[:4].
    const keyId = createHash('sha256')
      .update(Buffer.concat([Buffer.from(`${origin}\n`), Buffer.from([5]), logId]))
      .digest()
      .readUInt32BE(0);
    expect(rfc6962NoteKeyId(origin, logId)).toBe(keyId);
    const line = note.trimEnd().split('\n').pop()!;
    const signature = Buffer.from(line.split(' ').pop()!, 'base64');
    expect(signature.readUInt32BE(0)).toBe(keyId);
    expect(signature.readBigUInt64BE(4)).toBe(1234n);

    const sth = treeHeadFromNote(note, origin, logId);
    expect(sth).toMatchObject({ treeSize: 3n, timestamp: 1234n });
    expect(Buffer.from(sth.rootHash).equals(root)).toBe(true);
    expect(verifyTreeHead(signer.publicKey, sth)).toBe(true);
    expect(
      openCheckpoint(note, [rfc6962NoteVerifier(signer.publicKey, origin, logId)], origin)
        .checkpoint.treeSize,
    ).toBe(3n);
    expect(() => treeHeadFromNote(note, 'other', logId)).toThrow(
      'the checkpoint has no RFC 6962 signature by other',
    );
    const other = testSigner('ecdsa-p256-sha256');
    expect(() =>
      openCheckpoint(note, [rfc6962NoteVerifier(other.publicKey, origin, logId)]),
    ).toThrow(/does not verify/);
  });
});
