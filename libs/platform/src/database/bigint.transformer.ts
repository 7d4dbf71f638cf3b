import type { ValueTransformer } from 'typeorm';

/**
 * Maps Postgres `bigint` (int8) columns to JS `bigint`. `pg` returns int8 as a decimal string,
 * so no value ever passes through a lossy `number`.
 */
export const bigintTransformer: ValueTransformer = {
  to: (value: bigint | null | undefined): string | null | undefined =>
    value === null || value === undefined ? value : value.toString(),
  from: (value: string | null): bigint | null => (value === null ? null : BigInt(value)),
};
