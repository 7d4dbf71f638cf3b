import { z } from 'zod';

const port = (fallback: number) =>
  z
    .string()
    .regex(/^\d{1,5}$/, 'must be an integer between 1 and 65535')
    .transform(Number)
    .refine((n) => n >= 1 && n <= 65535, 'must be an integer between 1 and 65535')
    .default(fallback);

const httpUrl = z
  .string()
  .refine((s) => URL.canParse(s) && /^https?:$/.test(new URL(s).protocol), 'must be an http(s) URL')
  .transform((s) => s.replace(/\/+$/, ''));

const postgresUrl = z
  .string()
  .refine(
    (s) => URL.canParse(s) && /^postgres(ql)?:$/.test(new URL(s).protocol),
    'must be a postgres:// or postgresql:// URL',
  );

/** An integer between `min` and `max`, given in decimal digits. */
const intInRange = (min: number, max: number, fallback: number) =>
  z
    .string()
    .regex(/^\d+$/, `must be an integer between ${min} and ${max}`)
    .transform(Number)
    .refine((n) => n >= min && n <= max, `must be an integer between ${min} and ${max}`)
    .default(fallback);

const positiveInt = (max: number, fallback: number) => intInRange(1, max, fallback);

/**
 * Every environment variable Signet reads, with its default. `.env.example` documents the same
 * list and a test keeps the two equal. Values that may carry secrets are never echoed in errors.
 */
export const envSchema = z.object({
  CA_PORT: port(5555),
  LOG_PORT: port(3000),
  CA_PUBLIC_URL: httpUrl.optional(),
  LOG_PUBLIC_URL: httpUrl.optional(),
  SIGNET_LISTEN_HOST: z.string().min(1).default('127.0.0.1'),
  NODE_ENV: z.string().min(1).optional(),
  SIGNET_METRICS: z
    .enum(['loopback', 'public', 'off'], { message: 'must be loopback, public or off' })
    .default('loopback'),
  SIGNET_DEVELOPMENT_KEYS: z
    .enum(['true', 'false'], { message: 'must be true or false' })
    .optional(),
  DATABASE_URL: postgresUrl.optional(),
  DATABASE_POOL_SIZE: z
    .string()
    .regex(/^\d+$/, 'must be a positive integer')
    .transform(Number)
    .refine((n) => n >= 1 && n <= 200, 'must be between 1 and 200')
    .default(10),
  SIGNET_DATA_DIR: z.string().min(1).default('./data'),
  SIGNET_EMBEDDED_PG_PORT: z
    .string()
    .regex(/^\d{1,5}$/, 'must be 0 (pick a free port) or a port number')
    .transform(Number)
    .refine((n) => n <= 65535, 'must be 0 (pick a free port) or a port number')
    .default(0),
  SIGNET_CONFIG: z.string().min(1).optional(),
  CA_KEY: z.string().min(1).optional(),
  CA_KEY_PASSPHRASE: z.string().min(1).optional(),
  CA_KEY_PASSPHRASE_FILE: z.string().min(1).optional(),
  CA_CHAIN: z.string().min(1).optional(),
  CA_TUF_KEY: z.string().min(1).optional(),
  CA_TUF_KEY_PASSPHRASE: z.string().min(1).optional(),
  CA_TUF_KEY_PASSPHRASE_FILE: z.string().min(1).optional(),
  CA_TUF_ROOT_DIR: z.string().min(1).optional(),
  CA_LOG_URL: httpUrl.optional(),
  CA_POLICY_KEY: z.string().min(1).optional(),
  CA_POLICY_KEY_PASSPHRASE: z.string().min(1).optional(),
  CA_POLICY_KEY_PASSPHRASE_FILE: z.string().min(1).optional(),
  CA_POLICY_LOG: z.enum(['true', 'false'], { message: 'must be true or false' }).optional(),
  CA_POLICY_RETIRED_KEYS: z.string().min(1).optional(),
  TSA_KEY: z.string().min(1).optional(),
  TSA_KEY_PASSPHRASE: z.string().min(1).optional(),
  TSA_KEY_PASSPHRASE_FILE: z.string().min(1).optional(),
  TSA_CHAIN: z.string().min(1).optional(),
  TSA_POLICY_OID: z
    .string()
    .regex(
      /^[0-2](\.(0|[1-9]\d{0,8})){1,30}$/,
      'must be a dotted object identifier such as 1.3.6.1.4.1.57264.2',
    )
    .default('1.3.6.1.4.1.57264.2'),
  CA_LOG_PUBLIC_KEYS: z.string().min(1).optional(),
  CA_SIGNING_LOG: z.enum(['v1', 'v2'], { message: 'must be v1 or v2' }).default('v1'),
  CA_CT_REQUIRED: z.enum(['true', 'false'], { message: 'must be true or false' }).default('true'),
  CA_MAX_CERT_LIFETIME_SECONDS: positiveInt(24 * 3600, 3600),
  CA_RATE_LIMIT_PER_IDENTITY: positiveInt(1_000_000, 120),
  CA_RATE_LIMIT_PER_CLIENT: positiveInt(10_000_000, 6000),
  CA_WORKERS: positiveInt(64, 1),
  ADMIN_OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  ADMIN_SESSION_SECRET: z
    .string()
    .min(32, 'must be at least 32 characters of random data')
    .optional(),
  LOG_KEY: z.string().min(1).optional(),
  LOG_KEY_PASSPHRASE: z.string().min(1).optional(),
  LOG_KEY_PASSPHRASE_FILE: z.string().min(1).optional(),
  CT_LOG_KEY: z.string().min(1).optional(),
  CT_LOG_KEY_PASSPHRASE: z.string().min(1).optional(),
  CT_LOG_KEY_PASSPHRASE_FILE: z.string().min(1).optional(),
  LOG_CA_ROOTS: z.string().min(1).optional(),
  LOG_V2_PUBLIC_URL: httpUrl.optional(),
  LOG_V2_KEY: z.string().min(1).optional(),
  LOG_V2_KEY_PASSPHRASE: z.string().min(1).optional(),
  LOG_V2_KEY_PASSPHRASE_FILE: z.string().min(1).optional(),
  LOG_BATCH_MAX_SIZE: positiveInt(4096, 256),
  LOG_BATCH_MAX_WAIT_MS: positiveInt(10_000, 10),
  LOG_QUEUE_MAX_ENTRIES: positiveInt(1_000_000, 1024),
  LOG_MAX_POSTS_IN_FLIGHT_PER_CLIENT: intInRange(0, 100_000, 64),
  LOG_MAX_BODY_BYTES: positiveInt(64 * 1024 * 1024, 128 * 1024),
  LOG_WORKERS: positiveInt(64, 1),
  LOG_TILE_CACHE_MB: intInRange(0, 65_536, 64),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

/** Variables whose values must never appear in a message. */
export const secretVariables: ReadonlySet<string> = new Set([
  'DATABASE_URL',
  'LOG_KEY',
  'CA_KEY',
  'CA_KEY_PASSPHRASE',
  'CA_TUF_KEY',
  'CA_TUF_KEY_PASSPHRASE',
  'LOG_KEY_PASSPHRASE',
  'CT_LOG_KEY',
  'CT_LOG_KEY_PASSPHRASE',
  'TSA_KEY',
  'TSA_KEY_PASSPHRASE',
  'CA_POLICY_KEY',
  'CA_POLICY_KEY_PASSPHRASE',
  'LOG_V2_KEY',
  'LOG_V2_KEY_PASSPHRASE',
  'ADMIN_OIDC_CLIENT_SECRET',
  'ADMIN_SESSION_SECRET',
]);

export type EnvInput = z.input<typeof envSchema>;
