import type { EmbeddedPostgres } from '../../libs/devkit/src/embedded-postgres';

/** Shared between global setup and teardown (same process). */
export const state: { embedded?: EmbeddedPostgres; dataDir?: string; template?: string } = {};

/** The same server URL with another database name. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}
