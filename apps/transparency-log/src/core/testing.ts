// Test helpers for the log core's int-specs (not part of the build).
import { DataSource } from 'typeorm';
import { hashLeaf } from '@app/merkle';
import { dataSourceOptions } from '@app/platform';
import { logEntities } from '@app/schema';
import { signCheckpoint, type Signer } from '@app/signing';
import type { PreparedEntry } from './entry';
import type { TreeSigning } from './tree-signing';

/** A TypeORM data source of the log's entities on `url`. */
export function openLogDataSource(url: string, applicationName: string): Promise<DataSource> {
  return new DataSource(
    dataSourceOptions({ url, applicationName, entities: logEntities, migrations: [] }),
  ).initialize();
}

/** A purpose's signing as the core sees it: a checkpoint note, and a signature per entry. */
export function testSigning(signer: Signer, name = 'log.test'): TreeSigning {
  return {
    signer,
    origin: (treeId) => `${name}/${treeId}`,
    signCheckpoint: (checkpoint) => signCheckpoint(signer, name, checkpoint),
    signEntry: async (entry, { globalIndex }) =>
      Buffer.from(
        await signer.sign(Buffer.concat([entry.leafHash, Buffer.from(`${globalIndex}`)])),
      ),
  };
}

/** A distinct entry `n`, filed under the search key `sha256:<n>`. */
export function testEntry(n: number | string): PreparedEntry {
  const body = Buffer.from(JSON.stringify({ entry: n }));
  return {
    body,
    leafHash: Buffer.from(hashLeaf(body)),
    kind: 'hashedrekord',
    apiVersion: '0.0.1',
    indexKeys: [`sha256:${n}`],
  };
}
