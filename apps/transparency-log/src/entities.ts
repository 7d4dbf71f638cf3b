import { LogEntryRecord, SearchIndexRecord } from './entries/entry.entities';
import { CheckpointRecord, HashTile, LogTree, TreeState } from './tree/tree.entities';

/** TypeORM entities of this app; the drift check (`npm run db:check`) compares them with migrations/. */
export const logEntities = [
  LogTree,
  TreeState,
  HashTile,
  CheckpointRecord,
  LogEntryRecord,
  SearchIndexRecord,
];
