/**
 * What each console page shows, as plain data: the controllers map their services' results into
 * these, and the render functions (pages/*.page.ts) are pure functions of them. Every value is
 * already display-ready text (bigints and dates formatted by the controller), so rendering never
 * needs a service, the database or the clock.
 */

/** The roles of issue 17's contract (apps/ca/src/admin/auth/principal.ts `AdminRole`). */
export type ConsoleRole = 'viewer' | 'editor' | 'owner';

/** The console's sections, one per nav link. */
export type ConsoleSection =
  'rules' | 'dry-run' | 'issuers' | 'issuances' | 'policy-versions' | 'audit' | 'tokens';

/** The signed-in administrator, for the header. */
export interface ConsoleUser {
  /** E-mail or name: display only (the principal is issuer + subject). */
  readonly display: string;
  readonly role: ConsoleRole;
}

/** A one-line outcome of the previous POST (after its redirect), shown above the page. */
export interface Flash {
  readonly kind: 'success' | 'error';
  readonly message: string;
}

/** What every signed-in page has. */
export interface PageContext {
  readonly user: ConsoleUser;
  /** The session's CSRF token: every form carries it as the hidden field `_csrf`. */
  readonly csrfToken: string;
  readonly flash?: Flash;
}

/** Field name → the message shown next to that field (the API's `details[].path` mapped to a field). */
export type FieldErrors = Readonly<Partial<Record<string, string>>>;

/** A form as submitted (or as loaded for editing), with what was wrong with it. */
export interface FormState<Values> {
  readonly values: Values;
  readonly errors: FieldErrors;
  /** An error not tied to one field (412 stale version, 409 file mode, 503 log unavailable). */
  readonly formError?: string;
}

// --- Rules ------------------------------------------------------------------------------------

export interface RuleRow {
  readonly id: string;
  readonly name: string;
  readonly position: number;
  readonly issuer: string;
  readonly subject: string;
  /** Each claim condition as written (`true`, `42` or a pattern). */
  readonly claims: ReadonlyArray<{ readonly name: string; readonly condition: string }>;
  /** Null: the instance default. */
  readonly lifetime: string | null;
  /** Null: any algorithm the CA accepts. */
  readonly keyAlgorithms: readonly string[] | null;
}

export interface RulesListView {
  readonly rules: readonly RuleRow[];
  readonly policyVersion: string;
  /** False for a viewer, or when the policy is managed by file (then `readOnlyReason` says so). */
  readonly canEdit: boolean;
  readonly readOnlyReason?: string;
}

/** A rule form's fields, as text (as the browser posts them). */
export interface RuleFormValues {
  readonly name: string;
  readonly issuer: string;
  readonly subject: string;
  /** YAML mapping, one `claim: condition` per line (typed as in the config file). */
  readonly claims: string;
  /** A duration such as `10m`, or empty for the default. */
  readonly certificateLifetime: string;
  /** The checked algorithms; none checked means any. */
  readonly allowedKeyAlgorithms: readonly string[];
  /** Why: recorded in the policy version. */
  readonly reason: string;
}

export interface RuleFormView extends FormState<RuleFormValues> {
  readonly mode: 'create' | 'edit';
  /** Where the form posts (`/admin/rules` or `/admin/rules/<name>`). */
  readonly action: string;
  /** The policy version the form was loaded at, sent back as `If-Match` (412 when stale). */
  readonly policyVersion: string;
  /** Every algorithm a rule may allow (the checkboxes). */
  readonly keyAlgorithmChoices: readonly string[];
  /** For edit: where the delete form posts. */
  readonly deleteAction?: string;
}

// --- Dry run ----------------------------------------------------------------------------------

export interface DryRunFormValues {
  /** A JWT, or a JSON object of claims. */
  readonly input: string;
  /** Required with claims; ignored with a token (its `iss` counts). */
  readonly issuer: string;
  readonly keyAlgorithm: string;
}

/** One rule's line of the trace (the policy engine's `RuleOutcome`, display-ready). */
export type TraceRowView = { readonly rule: string; readonly position: number } & (
  | { readonly outcome: 'allowed' }
  | { readonly outcome: 'issuer' | 'subject'; readonly pattern: string; readonly value: string }
  | {
      readonly outcome: 'claim';
      readonly claim: string;
      readonly problem: 'missing' | 'mismatch';
      readonly condition: string;
      /** The token's value when present (JSON text). */
      readonly value?: string;
    }
  | {
      readonly outcome: 'key-algorithm';
      readonly allowed: readonly string[];
      readonly value: string;
    }
  | { readonly outcome: 'not-reached' }
);

export interface DryRunResultView {
  readonly decision: 'allowed' | 'denied';
  /** For a denial: NO_RULE, KEY_ALGORITHM, UNKNOWN_ISSUER, TOKEN_INVALID, … */
  readonly reason?: string;
  /** The engine's one-line explanation. */
  readonly message: string;
  readonly rule?: { readonly id: string; readonly name: string; readonly position: number };
  /** The SAN the certificate would carry (absent when the token could not be read). */
  readonly identity?: string;
  readonly lifetime?: string;
  readonly policyVersion: string;
  readonly missingClaims: readonly string[];
  readonly trace: readonly TraceRowView[];
}

export interface DryRunView extends FormState<DryRunFormValues> {
  /** Configured issuer URLs, offered as suggestions. */
  readonly issuerChoices: readonly string[];
  readonly keyAlgorithmChoices: readonly string[];
  readonly result?: DryRunResultView;
}

// --- Issuers ----------------------------------------------------------------------------------

export interface IssuerRow {
  readonly id: string;
  /** `url` or `wildcardUrl`, as configured. */
  readonly url: string;
  readonly type: string;
  readonly audience: string;
  /** Type-specific settings (subjectDomain, spiffeTrustDomain, allowHttp, …). */
  readonly details: ReadonlyArray<{ readonly label: string; readonly value: string }>;
}

export interface IssuersView {
  readonly issuers: readonly IssuerRow[];
  readonly policyVersion: string;
}

// --- Issuance history -------------------------------------------------------------------------

export interface IssuanceFilters {
  readonly identity: string;
  readonly issuer: string;
  readonly rule: string;
  readonly policyVersion: string;
  /** ISO 8601 dates or date-times, as typed. */
  readonly since: string;
  readonly until: string;
}

export interface IssuanceRow {
  readonly serial: string;
  readonly identity: string;
  readonly issuer: string;
  readonly rule: string;
  /** Null: issued before policy versions existed. */
  readonly policyVersion: string | null;
  readonly keyAlgorithm: string;
  readonly issuedAt: string;
  readonly notAfter: string;
  /** The certificate's CT log entry, when known. */
  readonly ctEntry: { readonly index: string; readonly url: string } | null;
}

/** Keyset pagination: opaque cursors for the next and previous pages. */
export interface Pagination {
  readonly next?: string;
  readonly previous?: string;
}

export interface IssuancesView extends FormState<IssuanceFilters> {
  readonly rows: readonly IssuanceRow[];
  readonly pagination: Pagination;
}

// --- Policy versions --------------------------------------------------------------------------

export interface PolicyVersionRow {
  readonly version: string;
  /** Hex SHA-256 of the snapshot. */
  readonly digest: string;
  readonly actor: string;
  readonly actorKind: string;
  readonly reason: string;
  readonly createdAt: string;
  /** The transparency-log entry; null while it is not yet logged. */
  readonly logEntry: { readonly index: string; readonly uuid: string; readonly url: string } | null;
  readonly current: boolean;
}

export interface PolicyVersionsView {
  readonly versions: readonly PolicyVersionRow[];
  readonly pagination: Pagination;
}

// --- Audit trail ------------------------------------------------------------------------------

export interface AuditFilters {
  readonly actor: string;
  readonly action: string;
  readonly since: string;
}

export interface AuditRow {
  readonly at: string;
  readonly actor: string;
  readonly action: string;
  readonly outcome: 'success' | 'failure';
  readonly target?: string;
  readonly httpStatus?: string;
  readonly reason?: string;
  /** `v3 → v4` when the event changed the policy. */
  readonly policyVersions?: string;
  readonly requestId?: string;
}

export interface AuditView extends FormState<AuditFilters> {
  readonly rows: readonly AuditRow[];
  readonly pagination: Pagination;
}

// --- API tokens -------------------------------------------------------------------------------

export interface ApiTokenRow {
  readonly id: string;
  readonly name: string;
  readonly role: ConsoleRole;
  readonly last4: string;
  readonly createdBy: string;
  readonly createdAt: string;
  readonly expiresAt: string;
  readonly lastUsedAt: string | null;
  readonly revokedAt: string | null;
}

export interface ApiTokenFormValues {
  readonly name: string;
  readonly role: string;
  /** A duration such as `30d`. */
  readonly expiresIn: string;
}

export interface ApiTokensView {
  readonly tokens: readonly ApiTokenRow[];
  readonly form: FormState<ApiTokenFormValues>;
  /** Roles this administrator may grant (none above their own). */
  readonly roleChoices: readonly ConsoleRole[];
  /** The token just created: its secret is shown this once and never again. */
  readonly created?: { readonly id: string; readonly name: string; readonly secret: string };
}

// --- Sign-in ----------------------------------------------------------------------------------

export interface SignInView {
  /** Where the sign-in button leads (the OIDC redirect); undefined when sign-in is not configured. */
  readonly loginUrl?: string;
  /** The IdP's name on the button. */
  readonly providerName: string;
  /** Why the visitor is here: signed out, session expired, no admin role, IdP unavailable. */
  readonly notice?: Flash;
}
