import type { ConsoleSection } from './view-models';

/** The console's URL space, in one place for the nav, the forms and the controllers. */
export const CONSOLE_PATHS = {
  home: '/admin',
  login: '/admin/login',
  signIn: '/admin/sign-in',
  logout: '/admin/logout',
  assets: '/admin/assets',
  rules: '/admin/rules',
  // Not under /admin/rules/: a rule may be named "new".
  newRule: '/admin/new-rule',
  dryRun: '/admin/dry-run',
  issuers: '/admin/issuers',
  issuances: '/admin/issuances',
  policyVersions: '/admin/policy/versions',
  audit: '/admin/audit',
  tokens: '/admin/tokens',
} as const;

/** A rule's edit page (GET) and update target (POST). */
export function rulePath(name: string): string {
  return `${CONSOLE_PATHS.rules}/${encodeURIComponent(name)}`;
}

/** Where a rule's delete form posts. */
export function ruleDeletePath(name: string): string {
  return `${rulePath(name)}/delete`;
}

/** Where a token's revoke form posts. */
export function tokenRevokePath(id: string): string {
  return `${CONSOLE_PATHS.tokens}/${encodeURIComponent(id)}/revoke`;
}

/** The nav, in order. */
export const NAV: ReadonlyArray<{
  readonly section: ConsoleSection;
  readonly label: string;
  readonly href: string;
}> = [
  { section: 'rules', label: 'Rules', href: CONSOLE_PATHS.rules },
  { section: 'dry-run', label: 'Dry run', href: CONSOLE_PATHS.dryRun },
  { section: 'issuers', label: 'Issuers', href: CONSOLE_PATHS.issuers },
  { section: 'issuances', label: 'Issuances', href: CONSOLE_PATHS.issuances },
  { section: 'policy-versions', label: 'Policy versions', href: CONSOLE_PATHS.policyVersions },
  { section: 'audit', label: 'Audit', href: CONSOLE_PATHS.audit },
  { section: 'tokens', label: 'API tokens', href: CONSOLE_PATHS.tokens },
];
