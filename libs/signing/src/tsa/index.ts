export {
  MAX_TIMESTAMP_QUERY_BYTES,
  parseTimestampQuery,
  TimestampRequestError,
  timestampRequestFromJson,
  TSA_HASHES,
  type TimestampRequest,
  type TsaHash,
} from './request';
export { issueTimestamp, type TimestampAuthority } from './token';
export { tsaChainProblem } from './authority';
