/* What must hold after every crash and restart, checked from the database (as its owner) and over
   HTTP against the record of a Workload: every acknowledged write is there with the same index
   and bytes; each tree's indices run 0..size-1 with no gap and no repeat; its tiles, head and
   every checkpoint (stored, or returned to a client) agree with the tree re-derived from its
   entries; nothing unacknowledged is half there. Throws an Error naming the first violation. */
import { X509Certificate } from 'node:crypto';
import { hashLeaf, MemoryTree, TileReader, formatTilePath, verifyConsistency } from '@app/merkle';
import type { CrashStack } from './crash-stack';
import type { SeenCheckpoint, Write } from './crash-workload';
import { opensslTsVerify } from './openssl-ts';

interface TreeRow {
  id: string;
  purpose: string;
  size: string;
  root_hash: Buffer;
  origin: string;
}

/** Counts of what one check looked at. */
export interface CheckSummary {
  entries: Record<string, number>;
  checkpoints: number;
  acknowledged: number;
  unacknowledged: number;
  /** Unacknowledged v1 writes among the fresh ones that the log nevertheless holds in full. */
  foundUnacknowledged: number;
}

function fail(message: string): never {
  throw new Error(`crash invariant violated: ${message}`);
}

/** Runs a consistency verification; its failure becomes a violation naming `what`. */
function consistent(what: string, verify: () => void): void {
  try {
    verify();
  } catch (err) {
    fail(`${what} is not consistent with the final tree: ${(err as Error).message}`);
  }
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/** Checks the stack against `writes`; `fresh` are the writes not yet checked over HTTP. */
export async function checkCrashInvariants(
  stack: CrashStack,
  writes: readonly Write[],
  fresh: readonly Write[],
): Promise<CheckSummary> {
  const { db } = stack;
  const trees = await db.query<TreeRow>(
    `SELECT t.id, t.purpose, s.size, s.root_hash, t.origin FROM log_tree t
     JOIN tree_state s ON s.tree_id = t.id ORDER BY t.id`,
  );
  const built = new Map<string, { tree: MemoryTree; row: TreeRow; leaves: Buffer[] }>();
  let checkpoints = 0;
  for (const row of trees) {
    const size = BigInt(row.size);
    const entries = await db.query<{ leaf_index: string; leaf_hash: Buffer; global_index: string }>(
      'SELECT leaf_index, leaf_hash, global_index FROM log_entry WHERE tree_id = $1 ORDER BY leaf_index',
      [row.id],
    );
    if (BigInt(entries.length) !== size)
      fail(`tree ${row.id} (${row.purpose}): head size ${size}, ${entries.length} entries`);
    const tree = new MemoryTree();
    entries.forEach((e, i) => {
      if (BigInt(e.leaf_index) !== BigInt(i))
        fail(`tree ${row.id}: leaf index ${e.leaf_index} where ${i} belongs (skipped or repeated)`);
      tree.append(e.leaf_hash);
    });
    if (!Buffer.from(tree.rootHash()).equals(row.root_hash))
      fail(`tree ${row.id}: head root is not the root of its entries`);
    const stored = await db.query<{ tree_size: string; root_hash: Buffer }>(
      'SELECT tree_size, root_hash FROM checkpoint WHERE tree_id = $1 ORDER BY tree_size',
      [row.id],
    );
    if (stored.length === 0 || BigInt(stored[stored.length - 1]!.tree_size) !== size)
      fail(`tree ${row.id}: no checkpoint signs its head (size ${size})`);
    for (const c of stored) {
      if (!Buffer.from(tree.rootHash(BigInt(c.tree_size))).equals(c.root_hash))
        fail(`tree ${row.id}: stored checkpoint ${c.tree_size} is not a prefix of the tree`);
    }
    checkpoints += stored.length;
    // The tiles served over HTTP re-derive the same root.
    const reader = new TileReader(size, async (level, index, width) => {
      const res = await fetch(
        `${stack.logUrl}/api/v2/trees/${row.id}/${formatTilePath(level, index, width)}`,
      );
      if (res.status !== 200) fail(`tree ${row.id}: tile ${level}/${index}: ${res.status}`);
      return new Uint8Array(await res.arrayBuffer());
    });
    if (size > 0n && hex(await reader.rootHash()) !== hex(row.root_hash))
      fail(`tree ${row.id}: its tiles give another root`);
    built.set(row.purpose, { tree, row, leaves: entries.map((e) => e.leaf_hash) });
  }
  const byPurpose = (purpose: string) =>
    built.get(purpose) ?? fail(`no ${purpose} tree in the database`);

  // Every artifact entry has its search row, and every search row its entry.
  const [orphans] = await db.query<{ entries: string; rows: string }>(
    `SELECT (SELECT count(*) FROM log_entry e WHERE e.purpose = 'artifact' AND NOT EXISTS
              (SELECT 1 FROM search_index s WHERE s.tree_id = e.tree_id AND s.leaf_index = e.leaf_index)) AS entries,
            (SELECT count(*) FROM search_index s WHERE NOT EXISTS
              (SELECT 1 FROM log_entry e WHERE e.tree_id = s.tree_id AND e.leaf_index = s.leaf_index)) AS rows`,
  );
  if (orphans!.entries !== '0' || orphans!.rows !== '0')
    fail(
      `${orphans!.entries} entries without search rows, ${orphans!.rows} search rows without entries`,
    );

  // Acknowledged log writes: same index, same bytes; their checkpoints consistent with the tree.
  const seen = new Map<string, SeenCheckpoint & { purpose: string }>();
  for (const w of writes) {
    if (!w.acknowledged || w.body === undefined) continue;
    const purpose = w.path === 'v2-hashedrekord' ? 'rekor-v2' : 'artifact';
    const { leaves } = byPurpose(purpose);
    const leaf = leaves[Number(w.leafIndex)];
    if (leaf === undefined || !leaf.equals(hashLeaf(w.body)))
      fail(`acknowledged ${w.path} at index ${w.leafIndex} is missing or has other bytes`);
    seen.set(`${purpose}/${w.checkpoint!.treeSize}`, { ...w.checkpoint!, purpose });
  }
  for (const c of seen.values()) {
    const { tree, row } = byPurpose(c.purpose);
    const size = BigInt(row.size);
    if (c.treeSize > size)
      fail(`a returned ${c.purpose} checkpoint (${c.treeSize}) is beyond the tree`);
    consistent(`returned ${c.purpose} checkpoint ${c.treeSize}`, () =>
      verifyConsistency(
        c.treeSize,
        size,
        tree.consistencyProof(c.treeSize, size),
        c.rootHash,
        row.root_hash,
      ),
    );
  }
  // The log serves those bytes, and consistency proofs from the v1 checkpoints it returned.
  const artifact = byPurpose('artifact').row;
  for (const w of fresh) {
    if (!w.acknowledged || !w.path.startsWith('v1-')) continue;
    const res = await fetch(`${stack.logUrl}/api/v1/log/entries?logIndex=${w.leafIndex}`);
    const entry = Object.values((await res.json()) as Record<string, { body: string }>)[0];
    if (res.status !== 200 || !Buffer.from(entry!.body, 'base64').equals(w.body!))
      fail(`GET entry ${w.leafIndex}: ${res.status}, not the acknowledged bytes`);
    const c = w.checkpoint!;
    if (c.treeSize === BigInt(artifact.size)) continue;
    const proof = await fetch(
      `${stack.logUrl}/api/v1/log/proof?firstSize=${c.treeSize}&lastSize=${artifact.size}`,
    );
    const { hashes } = (await proof.json()) as { hashes: string[] };
    consistent(`the log's proof from checkpoint ${c.treeSize}`, () =>
      verifyConsistency(
        c.treeSize,
        BigInt(artifact.size),
        hashes.map((h) => Buffer.from(h, 'hex')),
        c.rootHash,
        artifact.root_hash,
      ),
    );
  }
  // An unacknowledged v1 write the log took anyway is there in full: found by its digest, served.
  let foundUnacknowledged = 0;
  for (const w of fresh) {
    if (w.acknowledged || !w.path.startsWith('v1-') || w.digest === '') continue;
    const res = await fetch(`${stack.logUrl}/api/v1/index/retrieve`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ hash: `sha256:${w.digest}` }),
    });
    for (const uuid of (await res.json()) as string[]) {
      const got = await fetch(`${stack.logUrl}/api/v1/log/entries/${uuid}`);
      if (got.status !== 200)
        fail(`unacknowledged ${w.path} found by digest but GET says ${got.status}`);
      foundUnacknowledged++;
    }
  }
  await checkCa(stack, writes, byPurpose('ct').leaves, byPurpose('artifact').leaves);
  return {
    entries: Object.fromEntries([...built].map(([p, b]) => [p, b.leaves.length])),
    checkpoints,
    acknowledged: writes.filter((w) => w.acknowledged).length,
    unacknowledged: writes.filter((w) => !w.acknowledged).length,
    foundUnacknowledged,
  };
}

/** Issuances and policy versions: acknowledged ones stored, and each stored one in its log. */
async function checkCa(
  stack: CrashStack,
  writes: readonly Write[],
  ctLeaves: readonly Buffer[],
  artifactLeaves: readonly Buffer[],
): Promise<void> {
  const issued = await stack.db.query<{ serial: string; ct_leaf_hash: Buffer | null }>(
    'SELECT serial, ct_leaf_hash FROM issuance',
  );
  const ct = new Set(ctLeaves.map(hex));
  for (const i of issued)
    if (i.ct_leaf_hash === null || !ct.has(hex(i.ct_leaf_hash)))
      fail(`issuance ${i.serial} has no precertificate in the CT tree`);
  const serials = new Set(issued.map((i) => i.serial));
  for (const w of writes)
    if (w.acknowledged && w.path === 'ct' && !serials.has(w.serial!))
      fail(`acknowledged certificate ${w.serial} has no issuance row`);
  const versions = await stack.db.query<{
    version: string;
    log_index: string | null;
    log_uuid: string | null;
  }>('SELECT version, log_index, log_uuid FROM policy_version ORDER BY version');
  versions.forEach((v, i) => {
    if (Number(v.version) !== i + 1) fail(`policy versions skip from ${i} to ${v.version}`);
    // One artifact tree, so a global index is a leaf index; a Rekor UUID ends in the leaf hash.
    const leaf = v.log_index === null ? undefined : artifactLeaves[Number(v.log_index)];
    if (leaf === undefined || !v.log_uuid?.endsWith(hex(leaf)))
      fail(`policy version ${v.version} names no entry of the artifact log`);
  });
  const [head] = await stack.db.query<{ version: string }>('SELECT version FROM policy_head');
  if (Number(head?.version) !== versions.length)
    fail(`policy head ${head?.version}, ${versions.length} versions`);
  for (const w of writes)
    if (w.acknowledged && w.path === 'policy' && w.version! > versions.length)
      fail(`acknowledged policy version ${w.version} is not stored`);
}

/**
 * Every acknowledged timestamp verifies (openssl ts -verify, an independent implementation)
 * against the TSA chain the trusted root publishes now, after the restarts. Returns how many.
 */
export async function checkTimestamps(
  stack: CrashStack,
  writes: readonly Write[],
  dir: string,
): Promise<number> {
  const root = (await (await fetch(`${stack.caUrl}/api/v1/trustedRoot`)).json()) as {
    timestampAuthorities: Array<{ certChain: { certificates: Array<{ rawBytes: string }> } }>;
  };
  const pems = root.timestampAuthorities[0]!.certChain.certificates.map((c) =>
    new X509Certificate(Buffer.from(c.rawBytes, 'base64')).toString(),
  );
  const chain = { leafPem: pems[0]!, rootPem: pems[pems.length - 1]! };
  const replies = writes.filter((w) => w.acknowledged && w.path === 'tsa');
  for (const w of replies) opensslTsVerify(dir, w.reply!, chain, '-digest', w.digest);
  return replies.length;
}
