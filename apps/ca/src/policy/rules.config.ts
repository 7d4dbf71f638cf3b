import { z } from 'zod';
import { ConfigError, fieldPath } from '@app/platform';
import { compileMatcher, type Wildcard } from '@app/signing';

/** Key algorithms a rule may allow, named as in `allowedKeyAlgorithms`. */
export const KEY_ALGORITHMS = [
  'ecdsa-p256',
  'ecdsa-p384',
  'ecdsa-p521',
  'ed25519',
  'rsa-2048',
  'rsa-3072',
  'rsa-4096',
] as const;

export type KeyAlgorithm = (typeof KEY_ALGORITHMS)[number];

/** One rule of the `rules:` section, validated; patterns are kept as written (see matcher.ts). */
export interface RuleSpec {
  readonly name: string;
  /** Pattern over the token's issuer URL; `*` is one DNS-label-like run. */
  readonly issuer: string;
  /** Pattern over the certificate identity (the SAN value that would be issued). */
  readonly subject: string;
  /** Claim name → condition on the raw token claim; all must match. */
  readonly claims: Readonly<Record<string, ClaimCondition>>;
  /** Null: the instance default. */
  readonly certificateLifetimeSeconds: number | null;
  /** Null: any algorithm the CA accepts. Otherwise non-empty, in {@link KEY_ALGORITHMS} order. */
  readonly allowedKeyAlgorithms: readonly KeyAlgorithm[] | null;
}

/**
 * What a rule requires of one token claim. A string is a pattern (exact, glob or /regex/, see
 * matcher.ts) over a string claim; a boolean or an integer matches only a claim of that JSON type
 * and value (`email_verified: true` does not match the string `"true"`).
 */
export type ClaimCondition = string | boolean | number;

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** YAML types stay: `true` is a boolean, `42` a number, and only strings are compiled as patterns. */
const claimCondition = z.unknown().transform((value, ctx): ClaimCondition => {
  const problem = (message: string): never => {
    ctx.addIssue({ code: 'custom', message });
    return z.NEVER;
  };
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    // Beyond 2^53 YAML has already rounded the id; a fraction is no claim value worth matching.
    return Number.isSafeInteger(value)
      ? value
      : problem(
          `must be an integer between -(2^53 - 1) and 2^53 - 1, got ${value}; write ids as quoted strings`,
        );
  }
  if (typeof value !== 'string')
    return problem('must be a string pattern, a boolean or an integer');
  try {
    compileMatcher(value, 'any');
    return value;
  } catch (err) {
    return problem((err as Error).message);
  }
});

const pattern = (wildcard: Wildcard) =>
  z.string().superRefine((value, ctx) => {
    try {
      compileMatcher(value, wildcard);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message });
    }
  });

function ruleSchema(maxLifetimeSeconds: number) {
  return z
    .object({
      name: z
        .string()
        .regex(
          NAME,
          'must be 1-128 letters, digits, ".", "_" or "-", starting with a letter or digit',
        ),
      issuer: pattern('label').refine(
        (v) => /^https?:\/\//.test(v) || (v.startsWith('/') && v.endsWith('/')),
        'must be an http(s) URL, a URL with * wildcards, or a /regex/',
      ),
      subject: pattern('any'),
      claims: z
        .unknown()
        // zod drops a `__proto__` key silently, which would drop that claim's condition.
        .refine(
          (v) => typeof v !== 'object' || v === null || !Object.hasOwn(v, '__proto__'),
          '"__proto__" is not a usable claim name',
        )
        .pipe(z.record(z.string().min(1).max(256), claimCondition))
        .optional(),
      certificateLifetime: z
        .string()
        .transform((value, ctx) => {
          const seconds = parseDuration(value);
          if (seconds === undefined || seconds === 0) {
            ctx.addIssue({ code: 'custom', message: 'must be a duration such as 90s, 10m or 1h' });
            return z.NEVER;
          }
          if (seconds > maxLifetimeSeconds) {
            ctx.addIssue({
              code: 'custom',
              message: `${value} exceeds the instance maximum of ${formatDuration(maxLifetimeSeconds)}`,
            });
            return z.NEVER;
          }
          return seconds;
        })
        .optional(),
      allowedKeyAlgorithms: z.array(z.enum(KEY_ALGORITHMS)).min(1).optional(),
    })
    .strict();
}

/**
 * Validates the `rules:` section of SIGNET_CONFIG (`config.file.rules`; absent means no rules, so
 * every request is denied). Throws {@link ConfigError} with one problem per bad field, named by
 * path: `SIGNET_CONFIG: rules[0].certificateLifetime: 2h exceeds the instance maximum of 1h`.
 */
export function parseRules(raw: unknown, maxLifetimeSeconds: number): RuleSpec[] {
  const schema = z.array(ruleSchema(maxLifetimeSeconds)).superRefine((rules, ctx) => {
    const seen = new Map<string, number>();
    rules.forEach((rule, index) => {
      const first = seen.get(rule.name);
      if (first === undefined) seen.set(rule.name, index);
      else
        ctx.addIssue({
          code: 'custom',
          path: [index, 'name'],
          message: `duplicate rule name "${rule.name}" (also rules[${first}])`,
        });
    });
  });
  const parsed = schema.safeParse(raw ?? []);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map(
        (i) =>
          `SIGNET_CONFIG: ${fieldPath('rules', i.path)}${ruleNamed(raw, i.path)}: ${i.message}`,
      ),
    );
  }
  return parsed.data.map((r) => ({
    name: r.name,
    issuer: r.issuer,
    subject: r.subject,
    claims: r.claims ?? {},
    certificateLifetimeSeconds: r.certificateLifetime ?? null,
    allowedKeyAlgorithms:
      r.allowedKeyAlgorithms === undefined
        ? null
        : KEY_ALGORITHMS.filter((a) => r.allowedKeyAlgorithms?.includes(a)),
  }));
}

/**
 * ` (rule "name")` for a problem in a pattern field of a rule that has a usable name: patterns are
 * long and alike, and the index alone is hard to find in a long list.
 */
function ruleNamed(raw: unknown, path: readonly PropertyKey[]): string {
  const [index, field] = path;
  if (typeof index !== 'number' || !PATTERN_FIELDS.has(field) || !Array.isArray(raw)) return '';
  const name: unknown = (raw[index] as { name?: unknown } | null)?.name;
  return typeof name === 'string' && NAME.test(name) ? ` (rule "${name}")` : '';
}

const PATTERN_FIELDS = new Set<PropertyKey | undefined>(['issuer', 'subject', 'claims']);

/** Seconds in `1h30m`, `10m`, `90s`…; undefined when `text` is not such a duration. */
export function parseDuration(text: string): number | undefined {
  const m = /^(?:(\d{1,6})h)?(?:(\d{1,6})m)?(?:(\d{1,7})s)?$/.exec(text);
  if (m === null || text === '') return undefined;
  return Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0);
}

/** The shortest `parseDuration` spelling of `seconds`: 3600 → `1h`, 5400 → `1h30m`. */
export function formatDuration(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  const text = `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${s ? `${s}s` : ''}`;
  return text === '' ? '0s' : text;
}
