import { z } from 'zod';
import { ConfigError, fieldPath } from '@app/platform';
import { parseAdminDuration } from '@app/schema';
import { checkIssuerUrl } from '../../identity/issuer-url';
import type { AdminRole } from './principal';

/** Injection token of the CA's {@link AdminSettings}. */
export const ADMIN_SETTINGS = Symbol('ADMIN_SETTINGS');

/** One `admin.roleBindings` entry: who gets `role`. */
export type RoleBinding =
  | {
      readonly kind: 'claim';
      readonly claim: string;
      readonly equals: string;
      readonly role: AdminRole;
    }
  | {
      readonly kind: 'subject';
      readonly issuer: string;
      readonly subject: string;
      readonly role: AdminRole;
    };

/** The `admin:` section of SIGNET_CONFIG, validated. */
export interface AdminSettings {
  /** Sign-in through the company IdP; undefined: no sign-in (API tokens still work). */
  readonly oidc:
    | {
        readonly issuer: string;
        readonly clientId: string;
        readonly allowHttp: boolean;
        readonly scopes: readonly string[];
      }
    | undefined;
  /** Nobody is an admin until listed; the highest matching role wins. */
  readonly roleBindings: readonly RoleBinding[];
  readonly session: {
    readonly idleTimeoutSeconds: number;
    readonly absoluteTimeoutSeconds: number;
    /** Sign-in starts plus callbacks one client address may make per minute (all CA processes). */
    readonly signInsPerMinute: number;
  };
  /** Longest lifetime an API token may be created with. */
  readonly tokens: { readonly maxLifetimeSeconds: number };
}

const role = z.enum(['viewer', 'editor', 'owner'], { message: 'must be viewer, editor or owner' });

const duration = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((text, ctx) => {
      const seconds = parseAdminDuration(text);
      if (seconds === undefined || seconds === 0) {
        ctx.addIssue({ code: 'custom', message: 'must be a duration such as 30m, 12h or 90d' });
        return z.NEVER;
      }
      return seconds;
    });

const binding = z.union(
  [
    z
      .object({ claim: z.string().min(1), equals: z.string().min(1), role })
      .strict()
      .transform((b): RoleBinding => ({ kind: 'claim', ...b })),
    z
      .object({ issuer: z.string().min(1), subject: z.string().min(1), role })
      .strict()
      .transform((b): RoleBinding => ({ kind: 'subject', ...b })),
  ],
  { message: 'must be {claim, equals, role} or {issuer, subject, role}' },
);

const schema = z
  .object({
    oidc: z
      .object({
        issuer: z.string(),
        clientId: z.string().min(1),
        allowHttp: z.boolean().default(false),
        scopes: z
          .array(z.string().regex(/^[\x21\x23-\x5b\x5d-\x7e]+$/))
          .default(['openid', 'email', 'profile']),
      })
      .strict()
      .superRefine((o, ctx) => {
        const problem = checkIssuerUrl(o.issuer, o.allowHttp);
        if (problem !== undefined)
          ctx.addIssue({ code: 'custom', path: ['issuer'], message: problem });
      })
      .optional(),
    roleBindings: z.array(binding).default([]),
    session: z
      .object({
        idleTimeout: duration('30m'),
        absoluteTimeout: duration('12h'),
        signInsPerMinute: z.number().int().min(1).max(100_000).default(30),
      })
      .strict()
      .default({ idleTimeout: 1800, absoluteTimeout: 43_200, signInsPerMinute: 30 }),
    tokens: z
      .object({ maxLifetime: duration('90d') })
      .strict()
      .default({ maxLifetime: 7_776_000 }),
  })
  .strict();

/**
 * Validates the `admin:` section (absent: no sign-in, no bindings, defaults). Throws
 * {@link ConfigError} naming each bad field: `SIGNET_CONFIG: admin.roleBindings[0].role: …`.
 */
export function parseAdminSettings(raw: unknown): AdminSettings {
  const parsed = schema.safeParse(raw ?? {});
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => `SIGNET_CONFIG: ${fieldPath('admin', i.path)}: ${i.message}`),
    );
  }
  const { oidc, roleBindings, session, tokens } = parsed.data;
  return {
    oidc:
      oidc === undefined
        ? undefined
        : {
            issuer: oidc.issuer,
            clientId: oidc.clientId,
            allowHttp: oidc.allowHttp,
            scopes: oidc.scopes.includes('openid') ? oidc.scopes : ['openid', ...oidc.scopes],
          },
    roleBindings,
    session: {
      idleTimeoutSeconds: session.idleTimeout,
      absoluteTimeoutSeconds: session.absoluteTimeout,
      signInsPerMinute: session.signInsPerMinute,
    },
    tokens: { maxLifetimeSeconds: tokens.maxLifetime },
  };
}
