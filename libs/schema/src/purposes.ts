/**
 * The purposes a log tree can serve, one active tree each: `artifact` for Rekor v1 entries, `ct`
 * for RFC 6962 certificate transparency, `rekor-v2` for Rekor v2 (rekor-tiles) shards. The registry of tree purposes: adding one is a value
 * here, a migration that extends the CHECKs on `log_tree.purpose` and `log_entry.purpose`, and a
 * signing in the log's composition root (`log-keys.ts`).
 */
export const TREE_PURPOSES = ['artifact', 'ct', 'rekor-v2'] as const;

export type TreePurpose = (typeof TREE_PURPOSES)[number];

/** The SQL CHECK body the entities declare for a purpose column (and the migrations create). */
export const purposeCheck = (column: string): string =>
  `"${column}" IN (${TREE_PURPOSES.map((p) => `'${p}'`).join(', ')})`;
