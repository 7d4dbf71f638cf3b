import { parse, stringify } from 'yaml';
import { formatDuration, KEY_ALGORITHMS, type StoredRule } from '../../policy';
import type { FieldErrors, RuleFormValues } from './view-models';

/** A urlencoded form body: one value per name, or several (checkboxes). */
export type FormBody = Readonly<Record<string, string | string[] | undefined>>;

/** The single value of `name` in a form body ('' when absent; the first when repeated). */
export function formText(body: FormBody | undefined, name: string): string {
  const value = body?.[name];
  return (Array.isArray(value) ? value[0] : value) ?? '';
}

/** Every value of `name` (checkboxes post one field per checked box). */
export function formList(body: FormBody | undefined, name: string): string[] {
  const value = body?.[name];
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

/** The rule form as the browser posted it. */
export function ruleFormValues(body: FormBody | undefined): RuleFormValues {
  return {
    name: formText(body, 'name').trim(),
    issuer: formText(body, 'issuer').trim(),
    subject: formText(body, 'subject').trim(),
    claims: formText(body, 'claims'),
    certificateLifetime: formText(body, 'certificateLifetime').trim(),
    allowedKeyAlgorithms: formList(body, 'allowedKeyAlgorithms'),
    reason: formText(body, 'reason').trim(),
  };
}

/** A stored rule as the edit form shows it (the reason is asked anew for each change). */
export function ruleFormFromRule(rule: StoredRule): RuleFormValues {
  const claims = Object.keys(rule.claims).length === 0 ? '' : stringify(rule.claims).trimEnd();
  return {
    name: rule.name,
    issuer: rule.issuer,
    subject: rule.subject,
    claims,
    certificateLifetime:
      rule.certificateLifetimeSeconds === null
        ? ''
        : formatDuration(rule.certificateLifetimeSeconds),
    allowedKeyAlgorithms: rule.allowedKeyAlgorithms ?? [],
    reason: '',
  };
}

/** An empty new-rule form. */
export const EMPTY_RULE_FORM: RuleFormValues = {
  name: '',
  issuer: '',
  subject: '',
  claims: '',
  certificateLifetime: '',
  allowedKeyAlgorithms: [],
  reason: '',
};

/** Form fields named by the policy API's messages (`rule.<field>: …`). */
export const RULE_MESSAGE_FIELDS: Readonly<Record<string, string>> = {
  name: 'name',
  issuer: 'issuer',
  subject: 'subject',
  claims: 'claims',
  certificateLifetime: 'certificateLifetime',
  allowedKeyAlgorithms: 'allowedKeyAlgorithms',
  reason: 'reason',
};

/**
 * The rule as the admin API takes it (its YAML form; claims that do not parse left out), and the
 * problems only the form can see: claims that are not a YAML mapping, a reason left empty.
 * Patterns, durations and names are left to the API's validation, so the console and the API
 * refuse the same rules with the same words.
 */
export function ruleFromForm(values: RuleFormValues): {
  rule: Record<string, unknown>;
  errors: FieldErrors;
} {
  const errors: Record<string, string> = {};
  let claims: unknown = {};
  if (values.claims.trim() !== '') {
    try {
      claims = parse(values.claims) as unknown;
    } catch (err) {
      errors['claims'] = `not YAML: ${(err as Error).message.split('\n')[0]}`;
    }
    if (
      errors['claims'] === undefined &&
      (typeof claims !== 'object' || claims === null || Array.isArray(claims))
    ) {
      errors['claims'] = 'one "claim: condition" per line (a YAML mapping)';
    }
  }
  if (values.reason === '') errors['reason'] = 'required: why the policy changes';
  const unknown = values.allowedKeyAlgorithms.filter(
    (a) => !(KEY_ALGORITHMS as readonly string[]).includes(a),
  );
  if (unknown.length > 0) errors['allowedKeyAlgorithms'] = `unknown: ${unknown.join(', ')}`;
  if (errors['claims'] !== undefined) claims = {};
  return {
    errors,
    rule: {
      name: values.name,
      issuer: values.issuer,
      subject: values.subject,
      claims,
      ...(values.certificateLifetime === ''
        ? {}
        : { certificateLifetime: values.certificateLifetime }),
      ...(values.allowedKeyAlgorithms.length === 0
        ? {}
        : { allowedKeyAlgorithms: values.allowedKeyAlgorithms }),
    },
  };
}

/** `If-Match` for the version a form was loaded at (the hidden `policyVersion` field). */
export function ifMatchOf(body: FormBody | undefined): string | undefined {
  const version = formText(body, 'policyVersion');
  return /^[1-9]\d{0,15}$/.test(version) ? `"v${version}"` : undefined;
}
