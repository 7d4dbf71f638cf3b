import type { RoleBinding } from './admin.config';
import { type AdminRole, ROLE_RANK } from './principal';

/**
 * The role an identity holds under `bindings`: the highest of every binding that matches, or
 * undefined (nobody is an admin until configured). A claim binding matches a string claim equal
 * to `equals`, or an array claim containing it (`groups`); a subject binding matches `iss` and
 * `sub` exactly, the identity's only stable key (an e-mail is for display).
 */
export function roleFor(
  bindings: readonly RoleBinding[],
  issuer: string,
  claims: Readonly<Record<string, unknown>>,
): AdminRole | undefined {
  let best: AdminRole | undefined;
  for (const b of bindings) {
    if (!matches(b, issuer, claims)) continue;
    if (best === undefined || ROLE_RANK[b.role] > ROLE_RANK[best]) best = b.role;
  }
  return best;
}

function matches(
  b: RoleBinding,
  issuer: string,
  claims: Readonly<Record<string, unknown>>,
): boolean {
  switch (b.kind) {
    case 'subject':
      return b.issuer === issuer && claims.sub === b.subject;
    case 'claim': {
      const value = claims[b.claim];
      return Array.isArray(value) ? value.includes(b.equals) : value === b.equals;
    }
  }
}
