/* Complete view models for every console page (every optional field present, every trace
   outcome), for the render tests and the browser test. */
import { KEY_ALGORITHMS } from '../../policy/rules.config';
import type {
  ApiTokensView,
  AuditView,
  DryRunView,
  IssuancesView,
  IssuersView,
  PageContext,
  PolicyVersionsView,
  RuleFormView,
  RulesListView,
  SignInView,
} from './view-models';

export const pageContext: PageContext = {
  user: { display: 'alice@example.com', role: 'owner' },
  csrfToken: 'csrf-token-1',
  flash: { kind: 'success', message: 'Rule release created (policy version 4).' },
};

export const rulesList: RulesListView = {
  policyVersion: '4',
  canEdit: true,
  readOnlyReason: 'the policy is managed by file',
  rules: [
    {
      id: '0b9f3d8e-1111-4c1e-9d4e-000000000001',
      name: 'release',
      position: 0,
      issuer: 'https://token.actions.githubusercontent.com',
      subject: 'https://github.com/acme/*',
      claims: [{ name: 'repository_owner', condition: 'acme' }],
      lifetime: '10m',
      keyAlgorithms: ['ecdsa-p256'],
    },
    {
      id: '0b9f3d8e-1111-4c1e-9d4e-000000000002',
      name: 'people',
      position: 1,
      issuer: 'https://idp.example.com',
      subject: '*@example.com',
      claims: [],
      lifetime: null,
      keyAlgorithms: null,
    },
  ],
};

export const ruleForm: RuleFormView = {
  mode: 'edit',
  action: '/admin/rules/release',
  deleteAction: '/admin/rules/release/delete',
  policyVersion: '4',
  keyAlgorithmChoices: KEY_ALGORITHMS,
  values: {
    name: 'release',
    issuer: 'https://token.actions.githubusercontent.com',
    subject: '/(unclosed/',
    claims: 'repository_owner: acme',
    certificateLifetime: '10m',
    allowedKeyAlgorithms: ['ecdsa-p256'],
    reason: 'tighten the release rule',
  },
  errors: { subject: 'not a valid regular expression: missing )' },
  formError: 'The policy changed since you loaded this form (now version 5).',
};

export const dryRun: DryRunView = {
  values: {
    input: '{"sub":"repo:acme/app","repository_owner":"acme"}',
    issuer: 'https://token.actions.githubusercontent.com',
    keyAlgorithm: 'ecdsa-p256',
  },
  errors: { issuer: 'required with claims' },
  formError: 'The input could not be evaluated.',
  issuerChoices: ['https://token.actions.githubusercontent.com', 'https://idp.example.com'],
  keyAlgorithmChoices: KEY_ALGORITHMS,
  result: {
    decision: 'denied',
    reason: 'NO_RULE',
    message:
      'no rule allows identity "https://github.com/acme/app" from issuer "https://token.actions.githubusercontent.com"',
    rule: { id: '0b9f3d8e-1111-4c1e-9d4e-000000000001', name: 'release', position: 0 },
    identity: 'https://github.com/acme/app',
    lifetime: '10 minutes',
    policyVersion: '4',
    missingClaims: ['environment'],
    trace: [
      {
        rule: 'release',
        position: 0,
        outcome: 'claim',
        claim: 'environment',
        problem: 'missing',
        condition: 'production',
      },
      {
        rule: 'owner',
        position: 1,
        outcome: 'claim',
        claim: 'repository_owner',
        problem: 'mismatch',
        condition: 'acme',
        value: '"other"',
      },
      {
        rule: 'people',
        position: 2,
        outcome: 'issuer',
        pattern: 'https://idp.example.com',
        value: 'https://token.actions.githubusercontent.com',
      },
      {
        rule: 'bots',
        position: 3,
        outcome: 'subject',
        pattern: 'bot-*',
        value: 'https://github.com/acme/app',
      },
      {
        rule: 'keys',
        position: 4,
        outcome: 'key-algorithm',
        allowed: ['ed25519'],
        value: 'ecdsa-p256',
      },
      { rule: 'all', position: 5, outcome: 'allowed' },
      { rule: 'later', position: 6, outcome: 'not-reached' },
    ],
  },
};

export const issuers: IssuersView = {
  policyVersion: '4',
  issuers: [
    {
      id: 'b1f0c3a2-2222-4c1e-9d4e-000000000001',
      url: 'https://token.actions.githubusercontent.com',
      type: 'github-workflow',
      audience: 'sigstore',
      details: [{ label: 'allowHttp', value: 'false' }],
    },
  ],
};

export const issuances: IssuancesView = {
  values: {
    identity: 'https://github.com/acme/app',
    issuer: 'https://token.actions.githubusercontent.com',
    rule: 'release',
    policyVersion: '4',
    since: '2026-11-01',
    until: '2026-11-02',
  },
  errors: { since: 'not a date' },
  formError: 'Some filters are invalid.',
  rows: [
    {
      serial: '4f2a9c',
      identity: 'https://github.com/acme/app',
      issuer: 'https://token.actions.githubusercontent.com',
      rule: 'release',
      policyVersion: '4',
      keyAlgorithm: 'ecdsa-p256',
      issuedAt: '2026-11-01T10:00:00Z',
      notAfter: '2026-11-01T10:10:00Z',
      ctEntry: { index: '17', url: 'https://log.example.com/ct/v1/get-entries?start=17&end=17' },
    },
  ],
  pagination: { next: 'cursor-next', previous: 'cursor-previous' },
};

export const policyVersions: PolicyVersionsView = {
  versions: [
    {
      version: '4',
      digest: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
      actor: 'alice@example.com',
      actorKind: 'session',
      reason: 'add the release rule',
      createdAt: '2026-11-01T09:00:00Z',
      logEntry: {
        index: '41',
        uuid: '24296fb24b8ad77a',
        url: 'https://log.example.com/api/v1/log/entries/24296fb24b8ad77a',
      },
      current: true,
    },
  ],
  pagination: { next: 'v3' },
};

export const audit: AuditView = {
  values: { actor: 'alice@example.com', action: 'policy.change', since: '2026-11-01' },
  errors: { since: 'not a date' },
  formError: 'Some filters are invalid.',
  rows: [
    {
      at: '2026-11-01T09:00:00Z',
      actor: 'alice@example.com',
      action: 'policy.change',
      outcome: 'success',
      target: 'rule release',
      httpStatus: '200',
      reason: 'add the release rule',
      policyVersions: 'v3 → v4',
      requestId: 'req-1',
    },
    {
      at: '2026-11-01T08:59:00Z',
      actor: 'mallory',
      action: 'session.login_failed',
      outcome: 'failure',
    },
  ],
  pagination: { previous: 'p', next: 'n' },
};

export const apiTokens: ApiTokensView = {
  tokens: [
    {
      id: 'c2a7e0f1-3333-4c1e-9d4e-000000000001',
      name: 'release pipeline',
      role: 'editor',
      last4: 'x9Qa',
      createdBy: 'alice@example.com',
      createdAt: '2026-11-01T09:00:00Z',
      expiresAt: '2027-01-30T09:00:00Z',
      lastUsedAt: '2026-11-01T09:30:00Z',
      revokedAt: null,
    },
    {
      id: 'c2a7e0f1-3333-4c1e-9d4e-000000000002',
      name: 'old',
      role: 'viewer',
      last4: 'a1B2',
      createdBy: 'bob@example.com',
      createdAt: '2026-10-01T09:00:00Z',
      expiresAt: '2026-12-01T09:00:00Z',
      lastUsedAt: null,
      revokedAt: '2026-10-02T09:00:00Z',
    },
  ],
  form: {
    values: { name: '', role: 'viewer', expiresIn: '30d' },
    errors: { name: 'required' },
    formError: 'The token was not created.',
  },
  roleChoices: ['viewer', 'editor', 'owner'],
  created: { id: 'c2a7e0f1-3333-4c1e-9d4e-000000000003', name: 'deploy', secret: 'sgn_at_example' },
};

export const signIn: SignInView = {
  loginUrl: '/admin/login',
  providerName: 'Example IdP',
  notice: { kind: 'error', message: 'Your session expired. Sign in again.' },
};
