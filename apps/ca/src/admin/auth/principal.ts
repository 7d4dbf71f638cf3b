import { ADMIN_ROLES } from '@app/schema';

/** An admin's role: viewer (reads, dry runs) < editor (rules, issuers) < owner (tokens, keys). */
export type AdminRole = (typeof ADMIN_ROLES)[number];

/** Each role's rank: a role may do what every lower role may. */
export const ROLE_RANK: Record<AdminRole, number> = { viewer: 1, editor: 2, owner: 3 };

/** Whether `role` is one of {@link AdminRole}. */
export function isAdminRole(role: unknown): role is AdminRole {
  return typeof role === 'string' && (ADMIN_ROLES as readonly string[]).includes(role);
}

/** Who is calling the admin API: a signed-in person (session) or an API token. */
export interface AdminPrincipal {
  readonly kind: 'session' | 'token';
  /** IdP `iss` (for a token: its creator's). */
  readonly issuer: string;
  /** IdP `sub` (for a token: its creator's). */
  readonly subject: string;
  /** E-mail or name, for display only: never an identity (fulcio#639). */
  readonly display: string;
  readonly role: AdminRole;
  /** The API token's id (uuid) when `kind` is `token`. */
  readonly tokenId?: string;
}
