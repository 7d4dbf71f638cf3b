// The soak's end checks, once the load has stopped: no fork and nothing lost. Per tree, every log
// process serves the same checkpoint and the same tiles; the leaves read from those tiles rebuild
// the checkpoint's root; every checkpoint an answer carried during the run, and every checkpoint
// stored, is signed by the tree's key and is a prefix of that one tree, its consistency proof
// verified; every acknowledged entry is at its index; every CT-logged certificate is in the CT tree.
import {
  formatTilePath,
  MemoryTree,
  TileReader,
  tileCount,
  tileWidth,
  verifyConsistency,
} from '@app/merkle';
import {
  type NoteVerifier,
  noteVerifierOf,
  openCheckpoint,
  parsePublicKey,
  rfc6962NoteVerifier,
} from '@app/signing';
import type { Pool } from 'pg';
import type { HttpClient } from './load';
import { SOAK_PURPOSES, type SoakPurpose, type SoakRecord } from './soak-record';

/** One tree at the end of a run. */
export interface TreeReport {
  purpose: SoakPurpose;
  treeSize: number;
  /** Distinct checkpoints that answers carried during the run. */
  checkpointsSeen: number;
  /** Checkpoints the log stored (one per integrated batch). */
  checkpointsStored: number;
  /** Entries acknowledged to the load (for `ct`: certificates whose precertificate was logged). */
  acknowledged: number;
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/**
 * The verifier of a tree's checkpoints: its key under Rekor's key name (the origin's host), C2SP's
 * (the origin), or static-ct-api's RFC 6962 tree head signature.
 */
function verifierOf(
  purpose: SoakPurpose,
  tree: { origin: string; public_key: Buffer; log_id: Buffer },
): NoteVerifier {
  const key = parsePublicKey(tree.public_key);
  switch (purpose) {
    case 'artifact':
      return noteVerifierOf(key, tree.origin.split(' - ')[0]!);
    case 'rekor-v2':
      return noteVerifierOf(key, tree.origin, 'c2sp');
    case 'ct':
      return rfc6962NoteVerifier(key, tree.origin, tree.log_id);
  }
}

/** Checks every tree; problems are recorded as errors in `record`. */
export async function checkTrees(
  db: Pool,
  logs: readonly HttpClient[],
  record: SoakRecord,
): Promise<TreeReport[]> {
  const reports: TreeReport[] = [];
  for (const purpose of SOAK_PURPOSES) {
    const problem = (what: string) => record.error(`${purpose} tree: ${what}`);
    const { rows } = await db.query<{
      id: string;
      origin: string;
      public_key: Buffer;
      log_id: Buffer;
    }>('SELECT id, origin, public_key, log_id FROM log_tree WHERE purpose = $1 AND active', [
      purpose,
    ]);
    const tree = rows[0]!;
    const prefix = `/api/v2/trees/${tree.id}/`;

    // Every process serves the same signed checkpoint.
    const notes = await Promise.all(
      logs.map(async (l) => (await l.send({ method: 'GET', path: `${prefix}checkpoint` })).body),
    );
    const verifier = verifierOf(purpose, tree);
    const finals = notes.map((n) => openCheckpoint(n, [verifier], tree.origin).checkpoint);
    const final = finals[0]!;
    for (const [k, f] of finals.entries())
      if (f.treeSize !== final.treeSize || hex(f.rootHash) !== hex(final.rootHash))
        problem(`fork: process ${k + 1} serves size ${f.treeSize}, process 1 ${final.treeSize}`);
    const size = final.treeSize;

    // Every process serves the same tiles; the leaves rebuild the final root, and so do the tiles.
    const tiles = new Map<string, Buffer>();
    for (let level = 0; tileCount(level, size) > 0n; level++) {
      for (let index = 0n; index < tileCount(level, size); index++) {
        const path = prefix + formatTilePath(level, index, tileWidth(level, index, size));
        const copies = await Promise.all(logs.map((l) => l.send({ method: 'GET', path })));
        if (copies.some((c) => c.status !== 200 || !c.body.equals(copies[0]!.body)))
          problem(`${path}: statuses ${copies.map((c) => c.status).join('/')} or bytes differ`);
        tiles.set(`${level}/${index}`, copies[0]!.body);
      }
    }
    const leaves: Buffer[] = [];
    for (let index = 0n; index < tileCount(0, size); index++) {
      const tile = tiles.get(`0/${index}`)!;
      for (let at = 0; at < tile.length; at += 32) leaves.push(tile.subarray(at, at + 32));
    }
    const memory = MemoryTree.fromLeafHashes(leaves);
    const finalRoot = final.rootHash;
    if (size > 0n && hex(memory.rootHash()) !== hex(finalRoot))
      problem(`fork: the leaves' root is not the checkpoint's at size ${size}`);
    const reader = new TileReader(size, (level, index, width) =>
      tiles.get(`${level}/${index}`)!.subarray(0, width * 32),
    );
    if (size > 0n && hex(await reader.rootHash()) !== hex(finalRoot))
      problem(`fork: the tiles' root is not the checkpoint's at size ${size}`);

    // Every checkpoint seen or stored is signed and a prefix of this tree.
    const stored = await db.query<{ note: string }>(
      'SELECT note FROM checkpoint WHERE tree_id = $1',
      [tree.id],
    );
    const seen = [...record.checkpoints.get(purpose)!.values()].map((c) => c.note);
    for (const note of [...seen, ...stored.rows.map((r) => r.note)]) {
      try {
        const { checkpoint } = openCheckpoint(note, [verifier], tree.origin);
        const at = checkpoint.treeSize;
        if (at > size) throw new Error(`size ${at} beyond the final ${size}`);
        if (at === 0n) continue;
        if (hex(memory.rootHash(at)) !== hex(checkpoint.rootHash))
          throw new Error(`fork: root at size ${at} is not the final tree's`);
        verifyConsistency(
          at,
          size,
          memory.consistencyProof(at, size),
          checkpoint.rootHash,
          finalRoot,
        );
      } catch (err) {
        problem(
          `checkpoint ${JSON.stringify(note.split('\n').slice(0, 3))}: ${(err as Error).message}`,
        );
      }
    }
    // So is every root an answer named (inclusion and consistency proofs, log info).
    for (const [at, root] of record.roots.get(purpose)!)
      if (at > 0n && (at > size || hex(memory.rootHash(at)) !== root))
        problem(`fork: an answer's root at size ${at} is not the final tree's`);

    // Every acknowledged entry is where the log said it put it.
    const acks = record.acks.get(purpose)!;
    for (const ack of acks)
      if (!(leaves[Number(ack.leafIndex)]?.equals(ack.leafHash) ?? false))
        problem(`entry acknowledged at ${ack.leafIndex} is not there`);
    let acknowledged = acks.length;
    if (purpose === 'ct') {
      const issued = await db.query<{ ct_leaf_hash: Buffer }>(
        'SELECT ct_leaf_hash FROM issuance WHERE ct_leaf_hash IS NOT NULL',
      );
      const inTree = new Set(leaves.map(hex));
      for (const row of issued.rows)
        if (!inTree.has(hex(row.ct_leaf_hash)))
          problem(`precertificate ${hex(row.ct_leaf_hash)} of an issued certificate is not logged`);
      acknowledged = issued.rows.length;
    }
    reports.push({
      purpose,
      treeSize: Number(size),
      checkpointsSeen: seen.length,
      checkpointsStored: stored.rows.length,
      acknowledged,
    });
  }
  return reports;
}
