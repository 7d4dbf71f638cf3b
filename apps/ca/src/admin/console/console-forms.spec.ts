import { dryRunResultView, evaluateInput } from './dry-run-form';
import { formErrors } from './form-errors';
import { RULE_MESSAGE_FIELDS, ruleFromForm, ruleFormValues } from './rule-form';

describe(formErrors.name, () => {
  it('puts each problem of a field-named message next to its field', () => {
    // As AdminPolicyService words them: single-rule parse errors, semantic checks, the reason.
    const message =
      'rule.subject (rule "bob"): not a valid pattern: /(/ does not compile; ' +
      'rules[2].claims.team (rule "bob"): no token of the issuers this rule matches (email) carries a claim "team"; ' +
      'reason: required, 1-1000 characters: why the policy changes';
    expect(formErrors(message, RULE_MESSAGE_FIELDS)).toEqual({
      errors: {
        subject: 'not a valid pattern: /(/ does not compile',
        claims: 'team: no token of the issuers this rule matches (email) carries a claim "team"',
        reason: 'required, 1-1000 characters: why the policy changes',
      },
    });
  });

  it('leaves what names no field of the form to the form-level error', () => {
    expect(
      formErrors('If-Match: "v3" is not the head (now "v4"); reload', RULE_MESSAGE_FIELDS),
    ).toEqual({ errors: {}, formError: 'If-Match: "v3" is not the head (now "v4"); reload' });
    expect(formErrors('a rule named "x" exists', RULE_MESSAGE_FIELDS)).toEqual({
      errors: {},
      formError: 'a rule named "x" exists',
    });
  });
});

describe(ruleFromForm.name, () => {
  const body = {
    name: ' bob ',
    issuer: 'https://idp.example.com',
    subject: 'bob@example.com',
    claims: 'team: signers\nemail_verified: true',
    certificateLifetime: '',
    allowedKeyAlgorithms: ['ecdsa-p256', 'ed25519'],
    reason: 'bob signs',
  };

  it('makes the API rule: claims typed as YAML, empty fields left to their defaults', () => {
    expect(ruleFromForm(ruleFormValues(body))).toEqual({
      errors: {},
      rule: {
        name: 'bob',
        issuer: 'https://idp.example.com',
        subject: 'bob@example.com',
        claims: { team: 'signers', email_verified: true },
        allowedKeyAlgorithms: ['ecdsa-p256', 'ed25519'],
      },
    });
  });

  it('names claims that are not a mapping, a missing reason and an unknown algorithm', () => {
    const { errors, rule } = ruleFromForm(
      ruleFormValues({ ...body, claims: '- a\n- b', reason: ' ', allowedKeyAlgorithms: 'dsa' }),
    );
    expect(errors).toEqual({
      claims: 'one "claim: condition" per line (a YAML mapping)',
      reason: 'required: why the policy changes',
      allowedKeyAlgorithms: 'unknown: dsa',
    });
    expect(rule['claims']).toEqual({});
  });
});

describe(evaluateInput.name, () => {
  const values = { input: '', issuer: '', keyAlgorithm: 'ecdsa-p256' };

  it('sends a token alone, claims with their issuer', () => {
    expect(evaluateInput({ ...values, input: 'aGk.eyJ9.c2ln', issuer: 'ignored' })).toEqual({
      input: { token: 'aGk.eyJ9.c2ln', keyAlgorithm: 'ecdsa-p256' },
    });
    expect(evaluateInput({ ...values, input: '{"email":"a@b.c"}', issuer: 'https://idp' })).toEqual(
      {
        input: { issuer: 'https://idp', claims: { email: 'a@b.c' }, keyAlgorithm: 'ecdsa-p256' },
      },
    );
  });

  it('names the field of what it cannot send', () => {
    expect(evaluateInput(values)).toEqual({
      errors: { input: 'required: paste a token or claims' },
    });
    expect(evaluateInput({ ...values, input: '[1]' })).toEqual({
      errors: { input: 'claims must be a JSON object, such as {"email": "…"}' },
    });
    expect(evaluateInput({ ...values, input: '{"a":1}' })).toEqual({
      errors: { issuer: 'required with claims' },
    });
    const broken = evaluateInput({ ...values, input: '{"a":' });
    expect('errors' in broken && broken.errors['input']).toMatch(/^neither a token nor valid JSON/);
  });
});

describe(dryRunResultView.name, () => {
  it('shows the deciding rule, the lifetime and each rule with the values it compared', () => {
    const view = dryRunResultView({
      decision: 'allowed',
      rule: { id: 'r2', name: 'bob', position: 1 },
      certificate: {
        identity: 'bob@example.com',
        issuer: 'https://idp',
        lifetimeSeconds: 600,
        keyAlgorithm: 'ecdsa-p256',
      },
      request: { issuer: 'https://idp', subject: 'bob@example.com', keyAlgorithm: 'ecdsa-p256' },
      policyVersion: 2,
      missingClaims: [],
      trace: [
        {
          rule: 'team',
          position: 0,
          outcome: 'claim',
          claim: 'team',
          problem: 'mismatch',
          condition: 'signers',
          value: 'others',
          message: 'claim "team" does not match "signers"',
        },
        { rule: 'bob', position: 1, outcome: 'allowed', message: 'allows the request' },
      ],
    });
    expect(view).toEqual({
      decision: 'allowed',
      message: 'rule bob allows this identity',
      rule: { id: 'r2', name: 'bob', position: 1 },
      identity: 'bob@example.com',
      lifetime: '10m',
      policyVersion: '2',
      missingClaims: [],
      trace: [
        {
          rule: 'team',
          position: 0,
          outcome: 'claim',
          claim: 'team',
          problem: 'mismatch',
          condition: 'signers',
          value: '"others"',
        },
        { rule: 'bob', position: 1, outcome: 'allowed' },
      ],
    });
  });
});
