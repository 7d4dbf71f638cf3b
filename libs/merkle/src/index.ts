// Pure RFC 6962 / RFC 9162 Merkle tree math and C2SP tlog-tiles layout: no Nest, no IO.
export { BaseError, MerkleError, type MerkleErrorCode } from './errors';
export {
  emptyRoot,
  HASH_SIZE,
  type HashChildren,
  hashChildren,
  hashLeaf,
  rootFromLeafHashes,
} from './rfc6962';
export { compactRangeNodes, MAX_LEVEL, type NodeId, nodeId, nodeRange, rangeNodes } from './nodes';
export { consistencyNodes, type EphemeralNode, inclusionNodes, ProofNodes } from './proof';
export {
  rootFromConsistencyProof,
  rootFromInclusionProof,
  verifyConsistency,
  verifyInclusion,
} from './verify';
export { CompactRange, type NodeVisitor } from './compact';
export { BatchProofs } from './batch-proofs';
export { integrate, type Integration, type TileAppend } from './integrate';
export { consistencyProof, inclusionProof, MemoryTree } from './memory';
export {
  MAX_TILE_LEVEL,
  type NodeLocation,
  nodeLocation,
  partialTiles,
  TILE_HEIGHT,
  TILE_WIDTH,
  tileCount,
  type TileId,
  tileWidth,
} from './tiles';
export {
  formatEntriesPath,
  formatTileIndex,
  formatTilePath,
  parseTilePath,
  type TilePath,
} from './paths';
export { decodeEntryBundle, encodeEntryBundle, MAX_ENTRY_SIZE } from './bundle';
export { type GetTile, TileReader } from './reader';
export { type ReadStoredTile, TileCache } from './tile-cache';
export {
  type AuditCheckpoint,
  type AuditTileSource,
  auditTree,
  type ReadAuditTile,
  type TreeAuditOptions,
  type TreeAuditProblem,
  type TreeAuditResult,
  type TreeAuditState,
} from './audit';
