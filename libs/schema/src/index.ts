// The shared database as it really is: every table's entity, the tree purposes, and the two
// reads that cross from one app's tables to the other's (instance/). The migrations that create
// these tables are the top-level migrations/ (@app/migrations); `npm run db:check` compares the
// two. Both apps import this library; it imports no app.
import {
  AdminApiTokenRecord,
  AdminAuditEventRecord,
  AdminSessionRecord,
} from './ca/admin.entities';
import { CaCertificate, IssuanceRecord } from './ca/issuance.entities';
import { CaCertificateDistrust } from './ca/ca-certificate-distrust.entity';
import { RateLimitWindow } from './ca/rate-limit.entity';
import { IamRule } from './ca/rule.entity';
import { PolicyHead, PolicyVersionRecord } from './ca/policy-version.entity';
import { TufTargetsVersion } from './ca/tuf.entities';
import { LogEntryRecord, SearchIndexRecord } from './log/entry.entities';
import { CheckpointRecord, HashTile, LogTree, TreeState } from './log/tree.entities';

export * from './purposes';
export {
  AdminApiTokenRecord,
  AdminAuditEventRecord,
  AdminSessionRecord,
  CaCertificate,
  CaCertificateDistrust,
  IssuanceRecord,
  IamRule,
  PolicyHead,
  PolicyVersionRecord,
  RateLimitWindow,
  TufTargetsVersion,
};
export { CheckpointRecord, HashTile, LogEntryRecord, LogTree, SearchIndexRecord, TreeState };
export * from './instance/ca-certificates';
export * from './instance/log-trees';
export * from './log/entry-audit';
export * from './ca/api-token';
export * from './ca/admin-audit-chain';

/** The CA's tables. */
export const caEntities = [
  IssuanceRecord,
  CaCertificate,
  IamRule,
  TufTargetsVersion,
  RateLimitWindow,
  CaCertificateDistrust,
  PolicyVersionRecord,
  PolicyHead,
  AdminApiTokenRecord,
  AdminAuditEventRecord,
  AdminSessionRecord,
];

/** The log's tables. */
export const logEntities = [
  LogTree,
  TreeState,
  HashTile,
  CheckpointRecord,
  LogEntryRecord,
  SearchIndexRecord,
];
