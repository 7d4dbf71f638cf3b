/* What a RegistryClient is configured with: where and how it may connect, and its caps. */

/** How the client reaches registries. */
export interface RegistryOptions {
  /** host[:port] values the user allowed plain http for (--allow-http HOST); others https only. */
  allowHttp: readonly string[];
  /** Extra CA certificates (PEM) trusted for TLS. */
  caFile?: string;
  /** Docker config file; default `$DOCKER_CONFIG/config.json`, then `~/.docker/config.json`. */
  dockerConfig?: string;
  /** For HOME, DOCKER_CONFIG and PATH (credential helpers). */
  env: NodeJS.ProcessEnv;
  /** Caps and timeouts; defaults in {@link DEFAULT_LIMITS}. */
  limits?: Partial<RegistryLimits>;
}

/** Caps on what the client reads and waits for. */
export interface RegistryLimits {
  /** Largest manifest or index read (distribution's own limit is 4 MiB). */
  manifestBytes: number;
  /** Most tags listed for one repository. */
  tags: number;
  /** Most referrers listed for one subject. */
  referrers: number;
  /** Most pages followed in one paginated listing. */
  pages: number;
  /** Per HTTP request. */
  timeoutMs: number;
  /** Attempts at updating a fallback tag before giving up. */
  fallbackAttempts: number;
  /** Pause (plus as much jitter) after writing a fallback tag before re-reading it. */
  fallbackSettleMs: number;
}

export const DEFAULT_LIMITS: RegistryLimits = {
  manifestBytes: 4 * 1024 * 1024,
  tags: 10_000,
  referrers: 1_000,
  pages: 100,
  timeoutMs: 30_000,
  fallbackAttempts: 8,
  fallbackSettleMs: 200,
};
